import { Box, Text } from 'ink';
import type { TextField } from '../core/form.js';
import { formFields } from '../app/store.js';
import { useAppState } from './context.js';
import { truncate } from './text.js';

const FieldText = ({ field, isActive, width }: { readonly field: TextField; readonly isActive: boolean; readonly width: number }) => {
  const chars = [...field.value];
  // Keep the cursor in view when the value is longer than the box.
  const start = Math.max(0, field.cursor - width + 1);
  const visible = chars.slice(start, start + width);
  const cursorAt = field.cursor - start;
  if (!isActive) return <Text>{visible.join('') || ' '}</Text>;
  return (
    <Text>
      {visible.slice(0, cursorAt).join('')}
      <Text inverse>{visible[cursorAt] ?? ' '}</Text>
      {visible.slice(cursorAt + 1).join('')}
    </Text>
  );
};

/** The `n` dialog: lane name, agent preset or command, optional first task prompt. */
export const NewLaneForm = ({ width, height }: { readonly width: number; readonly height: number }) => {
  const overlay = useAppState((s) => s.overlay);
  const { colors } = useAppState((s) => s.theme);
  if (overlay?.kind !== 'new-lane') return null;
  const form = overlay;
  const fields = formFields(form);
  const active = fields[form.field] ?? 'name';
  const boxWidth = Math.min(width, 76);
  const inner = Math.max(10, boxWidth - 4);
  const label = (name: string, key: typeof active) => (
    <Text color={active === key ? colors.titleFocused : colors.muted} bold={active === key}>
      {`${active === key ? '›' : ' '} ${name.padEnd(8)}`}
    </Text>
  );
  const valueWidth = Math.max(4, inner - 11);
  return (
    <Box width={width} height={height} alignItems="center" justifyContent="center">
      <Box width={boxWidth} borderStyle="round" borderColor={colors.dialogBorder} flexDirection="column" paddingX={1}>
        <Text bold color={colors.titleFocused}>
          New lane
        </Text>
        <Text color={colors.muted}>{truncate('A new worktree and branch off the base, with its own agent.', inner)}</Text>
        <Text> </Text>
        <Text wrap="truncate">
          {label('name', 'name')} <FieldText field={form.name} isActive={active === 'name'} width={valueWidth} />
        </Text>
        <Text wrap="truncate">
          {label('agent', 'agent')}{' '}
          {form.choices.map((choice, i) => (
            <Text key={choice} inverse={i === form.choice} color={i === form.choice ? colors.borderFocused : undefined}>
              {` ${choice} `}
            </Text>
          ))}
        </Text>
        {fields.includes('command') ? (
          <Text wrap="truncate">
            {label('command', 'command')} <FieldText field={form.command} isActive={active === 'command'} width={valueWidth} />
          </Text>
        ) : null}
        <Text wrap="truncate">
          {label('prompt', 'prompt')} <FieldText field={form.prompt} isActive={active === 'prompt'} width={valueWidth} />
        </Text>
        <Text> </Text>
        {form.error ? (
          <Text color={colors.error} wrap="truncate">
            {truncate(form.error, inner)}
          </Text>
        ) : (
          <Text color={colors.muted} wrap="truncate">
            {truncate(form.isBusy ? 'creating the lane…' : 'Tab/↑↓ field · ←→ agent · Enter create · Esc cancel', inner)}
          </Text>
        )}
      </Box>
    </Box>
  );
};
