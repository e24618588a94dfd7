// Finds where a field is in a parsed YAML/JSON document, so every config problem can name its line.
import {isMap, isScalar, isSeq, type Document, type LineCounter, type Node} from 'yaml';
import type {PathSegment} from './config-issues.js';

export type Position = {line: number; col: number};

type Located = {node: Node; keyNode?: Node};

const keyMatches = (key: unknown, segment: PathSegment): boolean =>
	isScalar(key) ? String(key.value) === String(segment) : false;

/**
 * The deepest node along `path` that exists, and the key node of the last step taken. A problem with a
 * value points at the value; one with a missing value points at its key, or at its nearest parent.
 */
function locate(document: Document, path: readonly PathSegment[]): Located | undefined {
	let current: Located | undefined = document.contents ? {node: document.contents as Node} : undefined;
	for (const segment of path) {
		if (current === undefined) return undefined;
		const {node} = current;
		if (isMap(node)) {
			const pair = node.items.find(item => keyMatches(item.key, segment));
			if (pair === undefined) return current;
			const keyNode = pair.key as Node;
			current = pair.value ? {node: pair.value as Node, keyNode} : {node: keyNode, keyNode};
		} else if (isSeq(node) && typeof segment === 'number') {
			const item = node.items[segment] as Node | undefined;
			if (item === undefined) return current;
			current = {node: item};
		} else {
			return current;
		}
	}
	return current;
}

const position = (lineCounter: LineCounter, offset: number): Position => {
	const {line, col} = lineCounter.linePos(offset);
	return {line, col};
};

/**
 * Line and column (1-based) of the value at `path`, or of the key when `onKey` (an unknown key is a
 * problem with the key). Falls back to the nearest parent that exists, then to 1:1.
 */
export function positionOf(
	document: Document,
	lineCounter: LineCounter,
	path: readonly PathSegment[],
	onKey = false,
): Position {
	const found = locate(document, path);
	const node = onKey ? (found?.keyNode ?? found?.node) : found?.node;
	const offset = node?.range?.[0];
	return offset === undefined ? {line: 1, col: 1} : position(lineCounter, offset);
}

/** Position of a parse error: `pos` is its offset range in the source. */
export const positionOfOffset = (lineCounter: LineCounter, offset: number): Position => position(lineCounter, offset);
