// Colours that switch off under NO_COLOR. Nothing is told by colour alone: callers pair every colour
// with an icon, a word or a marker.

const noColor = (env: NodeJS.ProcessEnv = process.env): boolean => env.NO_COLOR !== undefined && env.NO_COLOR !== '';

let enabled = !noColor();

/** For tests: turn colours on or off. */
export function setColors(on: boolean): void {
	enabled = on;
}

export type ColorName = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray' | 'white';

/** The colour, or undefined (the terminal's default) when colours are off. Only the 16 basic colours. */
export const color = (name: ColorName): ColorName | undefined => (enabled ? name : undefined);
