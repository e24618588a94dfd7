// One line of the detail view: its text and how it looks. Shared by the builders of its sections.
import type {DisplayStatus} from './format.js';

export type DetailTone = 'title' | 'heading' | 'dim' | 'error' | 'warn' | DisplayStatus;
export type DetailLine = {text: string; tone?: DetailTone};
