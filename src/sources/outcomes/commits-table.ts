export { markUnreachable, reachableGitShas, writeCommits, type CommitRecord } from '../../core/store/outcomes-repo';
