// Who orch's commits are by: the task's author, else git's configured user, else orch itself, so a
// commit never fails for want of a name on a machine where git has none.
import type {Git} from './git.js';

export const fallbackAuthor = {name: 'orch', email: 'orch@localhost'};

/** Pure: `Name <email>` → its parts; undefined when it is not of that shape. */
export function parseAuthor(text: string): {name: string; email: string} | undefined {
	const match = /^\s*([^<>]*?)\s*<([^<>]+)>\s*$/.exec(text);
	return match && match[1] !== '' ? {name: match[1], email: match[2].trim()} : undefined;
}

/** Pure: the variables that make git commit as `who` (author and committer). */
export const identityVariables = (who: {name: string; email: string}): Record<string, string> => ({
	GIT_AUTHOR_NAME: who.name,
	GIT_AUTHOR_EMAIL: who.email,
	GIT_COMMITTER_NAME: who.name,
	GIT_COMMITTER_EMAIL: who.email,
});

/** The environment for a commit in `checkout`: empty when git's own configured user should sign it. */
export async function identityEnv(git: Git, checkout: string, author: string | undefined): Promise<Record<string, string>> {
	if (author !== undefined) {
		const who = parseAuthor(author);
		if (!who) throw new Error(`author "${author}" is not of the form "Name <email>": fix it in the task or the config`);
		return identityVariables(who);
	}
	const configured = await git.run(checkout, ['config', 'user.email']);
	return configured.exitCode === 0 && configured.stdout.trim() !== '' ? {} : identityVariables(fallbackAuthor);
}
