export { replacePrEvents, upsertPull, type PrEventRecord, type PullRecord } from '../../core/store/outcomes-repo';
