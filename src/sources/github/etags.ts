export { EtagTable } from '../../core/store/outcomes-repo';
