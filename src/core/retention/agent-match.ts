// The agent-edit match reads `sessions`: it lives with the store (src/core/store/events-repo.ts).
export { findAgentEdit } from '../store/events-repo';
