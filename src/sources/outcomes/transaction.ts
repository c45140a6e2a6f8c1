export { storeTransaction as transaction } from '../../core/store/transaction';
