export { CheckpointTable, type FileCheckpoint } from '../../core/store/transcript-state-repo';
