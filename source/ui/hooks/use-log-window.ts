// The visible rows of one log file, read from disk when the view asks: the only way log output reaches
// React, so output costs rendering only for the task on screen and at most once per tick.
import {useEffect, useMemo, useReducer, useRef} from 'react';
import {truncate} from '../format.js';
import type {StreamFormat} from '../../engine/output/streams/stream-types.js';
import {LogFile, sanitize, wrapLines, type LineSource} from '../log-window.js';
import {RenderedLog} from '../rendered-log.js';

export type {LineSource} from '../log-window.js';

/** `orch` is a line the supervisor wrote ("[orch] …"); `extra` is one of the lines added after the file. */
export type LogRow = {line: number; text: string; kind: 'output' | 'orch' | 'extra'};

export type LogWindow = {
	rows: LogRow[];
	/** Lines of the file plus the extra lines. */
	lineCount: number;
	/** Lines of the file alone. */
	fileLines: number;
	/** First line shown (0-based) and one past the last line shown. */
	first: number;
	end: number;
	/** The top at which the end of the log is in view: what the scroll reducer needs (newContent). */
	maxTop: number;
	error?: string;
};

export type WindowOptions = {height: number; width: number; wrap: boolean; follow: boolean; top: number};

const emptyWindow: LogWindow = {rows: [], lineCount: 0, fileLines: 0, first: 0, end: 0, maxTop: 0};
const noExtra: readonly string[] = [];

/** The file's lines followed by `extra` (the attempt's outcome line), as one source. */
export function withExtra(source: LineSource, extra: readonly string[]): LineSource {
	if (extra.length === 0) return source;
	return {
		get lineCount() {
			return source.lineCount + extra.length;
		},
		lines(start, count) {
			const base = source.lineCount;
			const end = start + count;
			const out = start < base ? source.lines(start, Math.min(end, base) - start) : [];
			for (let line = Math.max(start, base); line < Math.min(end, base + extra.length); line++) out.push(extra[line - base]!);
			return out;
		},
	};
}

/**
 * The rows to show for a scroll position. Without wrap a line is one row cut to the width; with wrap the
 * tail view ends on the last row of the last line and a scrolled view starts at the top of line `top`.
 * Reads at most `2 * height` lines, whatever the size of the log. Lines from `extraFrom` on are `extra`.
 */
export function logWindow(source: LineSource, options: WindowOptions, extraFrom = Infinity): Omit<LogWindow, 'fileLines' | 'error'> {
	const height = Math.max(0, Math.floor(options.height));
	const width = Math.max(1, Math.floor(options.width));
	const total = source.lineCount;
	if (height === 0 || total === 0) return {rows: [], lineCount: total, first: 0, end: 0, maxTop: 0};
	const kind = (line: number, text: string): LogRow['kind'] => (line >= extraFrom ? 'extra' : text.startsWith('[orch] ') ? 'orch' : 'output');
	const rowsOf = (start: number, texts: readonly string[]): LogRow[][] =>
		texts.map((text, index) => {
			const clean = sanitize(text);
			const line = start + index;
			const parts = options.wrap ? wrapLines([clean], width) : [truncate(clean, width)];
			return parts.map(part => ({line, text: part, kind: kind(line, clean)}));
		});

	if (!options.wrap) {
		const maxTop = Math.max(0, total - height);
		const top = options.follow ? maxTop : clamp(options.top, maxTop);
		const rows = rowsOf(top, source.lines(top, height)).flat();
		return {rows, lineCount: total, first: top, end: top + rows.length, maxTop};
	}

	// Every line takes at least one row, so the last `height` lines hold the tail view.
	const tailStart = Math.max(0, total - height);
	const tail = rowsOf(tailStart, source.lines(tailStart, total - tailStart));
	let fullFrom = tailStart + tail.length;
	for (let used = 0; fullFrom > tailStart && used + tail[fullFrom - tailStart - 1]!.length <= height; fullFrom--) {
		used += tail[fullFrom - tailStart - 1]!.length;
	}
	// The first line shown whole when the end is in view; the last line itself when it alone overflows.
	const maxTop = Math.min(fullFrom, total - 1);
	if (options.follow) {
		const rows = tail.flat().slice(-height);
		return {rows, lineCount: total, first: rows[0]!.line, end: total, maxTop};
	}

	const top = clamp(options.top, maxTop);
	const lines = top >= tailStart ? tail.slice(top - tailStart) : rowsOf(top, source.lines(top, height));
	const rows = lines.flat().slice(0, height);
	return {rows, lineCount: total, first: top, end: rows.at(-1)!.line + 1, maxTop};
}

const clamp = (top: number, max: number): number => Math.min(Math.max(0, Math.floor(top)), max);

export type UseLogWindowOptions = {
	/** The log file; undefined (no task selected, nobody looking) reads nothing. */
	path: string | undefined;
	/** Rows and cells available for log rows. */
	height: number;
	width: number;
	wrap: boolean;
	scroll: {follow: boolean; top: number};
	/** The attempt runs: its file is looked at every logPollMs (one stat when nothing changed). */
	live: boolean;
	/** Lines shown after the file's (the attempt's outcome line); a change re-reads the file too. */
	extra?: readonly string[];
	/** The agent's stream format: its lines are shown rendered for a person, unless `raw`. */
	format?: StreamFormat;
	raw?: boolean;
};

/** Rendered views of the logs looked at last, by path and format: each holds its lines in memory, so few. */
const keptRenderings = 4;
const renderings = new Map<string, RenderedLog>();

function renderedFor(file: LogFile, format: StreamFormat): RenderedLog {
	const key = `${format}:${file.path}`;
	let rendered = renderings.get(key);
	if (!rendered) {
		rendered = new RenderedLog(file, format);
		renderings.set(key, rendered);
		for (const oldest of renderings.keys()) {
			if (renderings.size <= keptRenderings) break;
			renderings.delete(oldest);
		}
	}
	return rendered;
}

/** Line indexes of the logs looked at last, so moving the selection back and forth does not index a log again. */
const indexes = new Map<string, LogFile>();
const keptIndexes = 16;

function indexFor(path: string): LogFile {
	let file = indexes.get(path);
	if (file) indexes.delete(path);
	else file = new LogFile(path);
	indexes.set(path, file);
	for (const oldest of indexes.keys()) {
		if (indexes.size <= keptIndexes) break;
		indexes.delete(oldest);
	}
	return file;
}

/** How often the log of a live attempt is looked at. */
export const logPollMs = 400;

/**
 * Renders when the live file changed and nothing else rendered for logPollMs: every render reads the
 * file anyway (a stat when nothing changed), so output rides along with the frames snapshots and keys
 * cause, and a log that stays quiet costs a stat a look and no frame, however long the TUI stays open.
 */
function useFileChanges(file: LogFile | undefined, live: boolean): void {
	const [, render] = useReducer((count: number) => count + 1, 0);
	const renderedAt = useRef(0);
	renderedAt.current = Date.now();
	useEffect(() => {
		if (!file || !live) return;
		const timer = setInterval(() => {
			if (Date.now() - renderedAt.current >= logPollMs && file.refresh()) render();
		}, logPollMs);
		return () => clearInterval(timer);
	}, [file, live]);
}

/**
 * The visible rows of the log at `path`. The file's line index is kept for the last few paths shown and
 * catches up when the file changed; rows are read from disk only for the window shown.
 */
export function useLogWindow({path, height, width, wrap, scroll, live, extra = noExtra, format = 'text', raw = false}: UseLogWindowOptions): LogWindow {
	const file = useMemo(() => (path === undefined ? undefined : indexFor(path)), [path]);
	const extraKey = extra.join('\n');
	useFileChanges(file, live);
	// Read at every render: the file catches up with what was written since (and the last output of an ended attempt).
	file?.refresh();
	const state = file ? `${file.version}:${file.error ?? ''}` : '';
	return useMemo(() => {
		if (!file) return emptyWindow;
		const source: LineSource = format === 'text' || raw ? file : renderedFor(file, format);
		const window = logWindow(withExtra(source, extra), {height, width, wrap, follow: scroll.follow, top: scroll.top}, source.lineCount);
		return {...window, fileLines: source.lineCount, error: file.error};
		// `extra` by content: callers build a new array each render.
	}, [file, state, height, width, wrap, scroll.follow, scroll.top, extraKey, format, raw]);
}
