// What is known about the initiator certificate, said from evidence: Daraja accepts Safaricom's
// published certificates after their printed expiry, so only a refusal from M-Pesa warns.
import { Text } from '@mantine/core';
import type { CertificateView } from '../../shared/contract';
import { When } from './When';

export function CertificateStanding({ certificate }: { certificate: CertificateView }) {
  const { standing, validFrom, validTo, lastAcceptedAt, lastRefusedAt } = certificate;
  switch (standing) {
    case 'valid':
      return (
        <Text size="sm" data-testid="certificate-standing">
          Valid from <When at={validFrom} /> to <When at={validTo} />.
        </Text>
      );
    case 'not_yet_valid':
      return (
        <Text size="sm" data-testid="certificate-standing">
          Its dates start on <When at={validFrom} />; M-Pesa has not used it yet.
        </Text>
      );
    case 'expired_accepted':
      return (
        <Text size="sm" data-testid="certificate-standing">
          Expired on <When at={validTo} />; M-Pesa still accepts it as of <When at={lastAcceptedAt} /> (the last result
          that needed it).
        </Text>
      );
    case 'expired_untested':
      return (
        <Text size="sm" data-testid="certificate-standing">
          Expired on <When at={validTo} />. M-Pesa is known to accept Safaricom&apos;s published certificates after that
          date; nothing has used it yet, so test the connection to know.
        </Text>
      );
    case 'refused':
      return (
        <Text size="sm" c="red" data-testid="certificate-standing">
          M-Pesa refused the initiator credential on <When at={lastRefusedAt} />: check the initiator name and password,
          and this certificate.
        </Text>
      );
    default: {
      const unexpected: never = standing;
      return <Text size="sm">{String(unexpected)}</Text>;
    }
  }
}
