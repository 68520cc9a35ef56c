import type { KeyEvent } from './input.js';

/** A single-line text field being edited: its value and the cursor (index in code points). */
export interface TextField {
  value: string;
  cursor: number;
}

export const textField = (value = ''): TextField => ({ value, cursor: [...value].length });

/** Insert text at the cursor; control characters are dropped and newlines become spaces. */
export const insertText = (field: TextField, text: string): TextField => {
  const clean = [...text.replace(/[\r\n\t]+/g, ' ')].filter((ch) => ch >= ' ' && ch !== '\x7f');
  const chars = [...field.value];
  chars.splice(field.cursor, 0, ...clean);
  return { value: chars.join(''), cursor: field.cursor + clean.length };
};

/**
 * Apply an editing key to a field. Returns the new field, or undefined when the key is not an
 * editing key (the caller handles it: Enter, Tab, Escape…).
 */
export const editField = (field: TextField, key: KeyEvent): TextField | undefined => {
  const chars = [...field.value];
  if (key.ctrl && !key.alt) {
    switch (key.name) {
      case 'a':
        return { ...field, cursor: 0 };
      case 'e':
        return { ...field, cursor: chars.length };
      case 'u':
        return { value: chars.slice(field.cursor).join(''), cursor: 0 };
      case 'k':
        return { value: chars.slice(0, field.cursor).join(''), cursor: field.cursor };
      case 'w': {
        let start = field.cursor;
        while (start > 0 && chars[start - 1] === ' ') start--;
        while (start > 0 && chars[start - 1] !== ' ') start--;
        return { value: [...chars.slice(0, start), ...chars.slice(field.cursor)].join(''), cursor: start };
      }
      default:
        return undefined;
    }
  }
  switch (key.name) {
    case 'left':
      return { ...field, cursor: Math.max(0, field.cursor - 1) };
    case 'right':
      return { ...field, cursor: Math.min(chars.length, field.cursor + 1) };
    case 'home':
      return { ...field, cursor: 0 };
    case 'end':
      return { ...field, cursor: chars.length };
    case 'backspace':
      if (field.cursor === 0) return field;
      chars.splice(field.cursor - 1, 1);
      return { value: chars.join(''), cursor: field.cursor - 1 };
    case 'delete':
      chars.splice(field.cursor, 1);
      return { value: chars.join(''), cursor: field.cursor };
    case 'space':
      return insertText(field, ' ');
    default:
      if ([...key.name].length === 1 && !key.alt) return insertText(field, key.name);
      return undefined;
  }
};
