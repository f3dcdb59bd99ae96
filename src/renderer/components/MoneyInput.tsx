// An amount field in shillings: what the person types is kept as text and read by the shared money
// code (parseShillings), so "1,250.50" is exactly 125050 cents and "12.345" is refused in words.
import { TextInput, type TextInputProps } from '@mantine/core';
import { parseShillings, type Cents } from '../../shared/money';

/** The field's text as cents: null when empty (if allowed), or the plain reason it is not an amount. */
export function readShillings(text: string, { optional = true } = {}): { cents: Cents | null } | { reason: string } {
  if (optional && text.trim() === '') return { cents: null };
  const parsed = parseShillings(text);
  return parsed.ok ? { cents: parsed.cents } : { reason: parsed.reason };
}

export function MoneyInput({
  value,
  onChange,
  ...props
}: { value: string; onChange(text: string): void } & Omit<TextInputProps, 'value' | 'onChange'>) {
  return (
    <TextInput
      inputMode="decimal"
      autoComplete="off"
      leftSection="KES"
      leftSectionWidth={44}
      {...props}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
    />
  );
}
