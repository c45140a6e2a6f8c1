export { transaction } from '../../core/store/transaction';
