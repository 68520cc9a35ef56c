import { describe, expect, it } from 'vitest';
import { editField, insertText, textField } from '../../src/core/form.js';
import type { KeyEvent } from '../../src/core/input.js';

const key = (name: string, mods: Partial<KeyEvent> = {}): KeyEvent => ({ type: 'key', name, ctrl: false, alt: false, shift: false, raw: name, ...mods });

describe('text field editing', () => {
  it('inserts at the cursor and moves it', () => {
    let field = textField('ac');
    field = editField(field, key('left'))!;
    field = editField(field, key('b'))!;
    expect(field).toEqual({ value: 'abc', cursor: 2 });
  });

  it('deletes backwards and forwards, by code point', () => {
    let field = textField('a中b');
    field = editField(field, key('backspace'))!;
    expect(field).toEqual({ value: 'a中', cursor: 2 });
    field = editField(field, key('home'))!;
    field = editField(field, key('delete'))!;
    expect(field).toEqual({ value: '中', cursor: 0 });
  });

  it('supports ctrl-u, ctrl-k and ctrl-w', () => {
    expect(editField({ value: 'one two', cursor: 7 }, key('w', { ctrl: true }))).toEqual({ value: 'one ', cursor: 4 });
    expect(editField({ value: 'one two', cursor: 3 }, key('u', { ctrl: true }))).toEqual({ value: ' two', cursor: 0 });
    expect(editField({ value: 'one two', cursor: 3 }, key('k', { ctrl: true }))).toEqual({ value: 'one', cursor: 3 });
  });

  it('leaves non-editing keys to the caller', () => {
    expect(editField(textField('x'), key('enter'))).toBeUndefined();
    expect(editField(textField('x'), key('tab'))).toBeUndefined();
  });

  it('drops control characters from pasted text', () => {
    expect(insertText(textField(''), 'a\x1b[31mb\nc')).toEqual({ value: 'a[31mb c', cursor: 8 });
  });
});
