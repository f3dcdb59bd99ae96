// A From/To filter of Nairobi calendar days, typed as Kenyans write them (dd/mm/yyyy), with named
// presets (Today, Last month, …) and Clear. A half-typed day filters nothing and says why beside
// its field; the screen gets only days that read, as the contract writes them.
import { Button, Group, NativeSelect, TextInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { dayInputText, parseDayInput } from '../../shared/format';
import { datePresets, presetLabels, presetOf, presetRange, type DatePreset, type DayRange } from '../lib/date-presets';

/** A typed day: nothing while empty, the day when it reads, and why not when it does not. */
export function dayBound(text: string): { day?: string; reason?: string } {
  if (text.trim() === '') return {};
  const read = parseDayInput(text);
  return read.ok ? { day: read.day } : { reason: read.reason };
}

/** The range the two fields say, each bound only when it reads and the two are in order. */
export function typedRange(fromText: string, toText: string): DayRange & { fromReason?: string; toReason?: string } {
  const from = dayBound(fromText);
  const to = dayBound(toText);
  if (from.day !== undefined && to.day !== undefined && to.day < from.day)
    return { from: from.day, toReason: 'The end date is before the start date' };
  return { from: from.day, to: to.day, fromReason: from.reason, toReason: to.reason };
}

const customChoice = 'custom';

export function DateRangeFilter({
  value,
  onChange,
  testId = 'dates',
  now = () => new Date(),
}: {
  value: DayRange;
  onChange(range: DayRange): void;
  /** Prefix of the fields' test ids: `${testId}-from`, `${testId}-to`, `${testId}-preset`. */
  testId?: string;
  /** The clock the presets read (tests fix it). */
  now?: () => Date;
}) {
  const [fromText, setFromText] = useState(dayInputText(value.from));
  const [toText, setToText] = useState(dayInputText(value.to));
  const typed = typedRange(fromText, toText);

  // What these fields last told the screen: a range that differs came from elsewhere (another
  // screen's link, a reset) and replaces what the fields say; the fields' own, even half typed, stay.
  const told = useRef<DayRange>({ from: value.from, to: value.to });
  useEffect(() => {
    if (told.current.from === value.from && told.current.to === value.to) return;
    told.current = { from: value.from, to: value.to };
    setFromText(dayInputText(value.from));
    setToText(dayInputText(value.to));
  }, [value.from, value.to]);

  function tell(range: DayRange) {
    if (range.from === told.current.from && range.to === told.current.to) return;
    told.current = { from: range.from, to: range.to };
    onChange(told.current);
  }

  function type(nextFrom: string, nextTo: string) {
    setFromText(nextFrom);
    setToText(nextTo);
    const next = typedRange(nextFrom, nextTo);
    tell({ from: next.from, to: next.to });
  }

  function choose(choice: string) {
    if (choice === customChoice) return;
    const days = presetRange(choice as DatePreset, now());
    setFromText(dayInputText(days.from));
    setToText(dayInputText(days.to));
    tell(days);
  }

  const preset = presetOf(value, now());
  const empty = fromText.trim() === '' && toText.trim() === '';
  return (
    <Group gap="sm" align="flex-end" wrap="nowrap">
      <TextInput
        label="From"
        placeholder="dd/mm/yyyy"
        value={fromText}
        onChange={(event) => type(event.currentTarget.value, toText)}
        error={typed.fromReason}
        w={130}
        data-testid={`${testId}-from`}
      />
      <TextInput
        label="To"
        placeholder="dd/mm/yyyy"
        value={toText}
        onChange={(event) => type(fromText, event.currentTarget.value)}
        error={typed.toReason}
        w={130}
        data-testid={`${testId}-to`}
      />
      <NativeSelect
        label="Period"
        value={preset ?? customChoice}
        onChange={(event) => choose(event.currentTarget.value)}
        data={[
          { value: customChoice, label: empty ? 'Any time' : 'Days typed' },
          ...datePresets.map((name) => ({ value: name, label: presetLabels[name] })),
        ]}
        w={140}
        data-testid={`${testId}-preset`}
      />
      <Button variant="subtle" onClick={() => type('', '')} disabled={empty} data-testid={`${testId}-clear`}>
        Clear
      </Button>
    </Group>
  );
}
