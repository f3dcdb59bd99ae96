// The Daraja app's fields, as First start and Settings → Profiles both ask for them: the profile's
// name, its shortcode, the consumer key and secret, the initiator and its password, and the STK
// shortcode and passkey. The keys and passwords go to the keychain; the form never shows them again.
import { PasswordInput, TextInput } from '@mantine/core';
import type { MethodInput } from '../../shared/contract';
import { fieldError } from './field-errors';

export interface DarajaAppValues {
  name: string;
  shortcode: string;
  initiatorName: string;
  consumerKey: string;
  consumerSecret: string;
  initiatorPassword: string;
  stkShortcode: string;
  stkPasskey: string;
}

/** The fields' names, as the last part of their path in `profiles.create`'s refusals. */
export const darajaAppFieldNames: ReadonlyArray<keyof DarajaAppValues> = [
  'name',
  'shortcode',
  'consumerKey',
  'consumerSecret',
  'initiatorName',
  'initiatorPassword',
  'stkShortcode',
  'stkPasskey',
];

export function emptyDarajaApp(name = ''): DarajaAppValues {
  return {
    name,
    shortcode: '',
    initiatorName: '',
    consumerKey: '',
    consumerSecret: '',
    initiatorPassword: '',
    stkShortcode: '',
    stkPasskey: '',
  };
}

/** The part of `profiles.create` these fields fill; an empty STK field is left out. */
type RealProfileInput = Extract<MethodInput<'profiles.create'>, { kind: 'sandbox' }>;

export function darajaAppInput(
  values: DarajaAppValues,
): Pick<RealProfileInput, 'name' | 'shortcode' | 'initiatorName' | 'stkShortcode' | 'credentials'> {
  return {
    name: values.name,
    shortcode: values.shortcode,
    initiatorName: values.initiatorName,
    stkShortcode: values.stkShortcode || undefined,
    credentials: {
      consumerKey: values.consumerKey,
      consumerSecret: values.consumerSecret,
      initiatorPassword: values.initiatorPassword,
      stkPasskey: values.stkPasskey || undefined,
    },
  };
}

export function DarajaAppFields({
  values,
  onChange,
  error,
}: {
  values: DarajaAppValues;
  onChange(values: DarajaAppValues): void;
  /** The refusal of the last try, whose field problems are shown beside their fields. */
  error: unknown;
}) {
  const field = (name: keyof DarajaAppValues) => ({
    value: values[name],
    onChange: (event: { currentTarget: { value: string } }) =>
      onChange({ ...values, [name]: event.currentTarget.value }),
    error: fieldError(error, name),
  });
  return (
    <div className="grid-2">
      <TextInput label="Profile name" required {...field('name')} />
      <TextInput label="Shortcode (paybill or till)" required {...field('shortcode')} />
      <TextInput label="Consumer key" required autoComplete="off" {...field('consumerKey')} />
      <PasswordInput label="Consumer secret" required autoComplete="off" {...field('consumerSecret')} />
      <TextInput label="Initiator name" required {...field('initiatorName')} />
      <PasswordInput label="Initiator password" required autoComplete="off" {...field('initiatorPassword')} />
      <TextInput label="STK shortcode (optional)" {...field('stkShortcode')} />
      <PasswordInput label="STK passkey (optional)" autoComplete="off" {...field('stkPasskey')} />
    </div>
  );
}
