// Shows an amount of integer cents as "KES 1,234.00", the way the payroll officer reads it.
import { Text, type TextProps } from '@mantine/core';
import { formatKesWithCurrency } from '../../shared/money';

export function Money({ cents, ...props }: { cents: number } & TextProps) {
  return (
    <Text component="span" inherit ff="monospace" {...props}>
      {formatKesWithCurrency(cents)}
    </Text>
  );
}
