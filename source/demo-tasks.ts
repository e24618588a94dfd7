// What `orch start --demo` puts in the queue: a small plan for the bundled demo agent.
import type {NewTask} from './engine/model/actions.js';

export const demoTasks: NewTask[] = [
	{id: 'demo-1', title: 'Map the code base', prompt: 'Read the repository and summarise its modules in NOTES.md', priority: 2},
	{id: 'demo-2', title: 'Fix the flaky date test', prompt: 'Fix the flaky test in tests/date.test.ts (dates near midnight)', priority: 1},
	{id: 'demo-3', title: 'Add input validation', prompt: 'Validate the config loader input and report bad fields', after: ['demo-1']},
	{id: 'demo-4', title: 'Write the changelog', prompt: 'Write CHANGELOG entries for the last ten commits', after: ['demo-3']},
	{id: 'demo-5', title: 'Speed up the parser', prompt: 'Profile the parser and remove the quadratic string joins', project: 'core', priority: 1},
	{id: 'demo-6', title: 'Refactor the retry policy', prompt: 'Refactor retry policy into a pure function with table tests', project: 'core'},
	{id: 'demo-7', title: 'Update dependencies', prompt: 'Update dev dependencies and make the build pass', due: '30m'},
	{id: 'demo-8', title: 'Document the CLI', prompt: 'Document every CLI flag in the README with examples', after: ['demo-5', 'demo-6']},
];
