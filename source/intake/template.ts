// `{name}` placeholders in intake templates (a trigger's `{file}`, a polled item's `{title}`).

const placeholder = /\{([A-Za-z_][\w.]*)\}/g;

/**
 * The template with each `{name}` replaced by `lookup(name)`; a name the lookup does not know (undefined)
 * is left as written, so a typo shows in the task rather than vanishing.
 */
export function fillTemplate(template: string, lookup: (name: string) => string | undefined): string {
	return template.replaceAll(placeholder, (whole, name: string) => lookup(name) ?? whole);
}

/** The placeholder names a template uses, in order of first use. */
export function placeholders(template: string): string[] {
	return [...new Set([...template.matchAll(placeholder)].map(match => match[1]!))];
}
