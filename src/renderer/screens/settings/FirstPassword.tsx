// A first password to hand over, shown once: Mshahara keeps no copy it could show again, and the
// person must choose their own at their first sign-in.
import { Alert, Button, Code, Group, Text } from '@mantine/core';

export interface HandedOver {
  username: string;
  /** The password Mshahara made, or null when the admin typed it (and knows it already). */
  password: string | null;
}

export function FirstPassword({ handedOver, onDone }: { handedOver: HandedOver; onDone(): void }) {
  return (
    <Alert
      color="yellow"
      variant="light"
      title={`First password for ${handedOver.username}`}
      data-testid="first-password"
    >
      {handedOver.password === null ? (
        <Text size="sm">
          Hand over the password you typed. {handedOver.username} must choose their own at first sign-in.
        </Text>
      ) : (
        <>
          <Text size="sm">
            Hand this over in person: <Code data-testid="first-password-text">{handedOver.password}</Code>
          </Text>
          <Text size="sm">It is shown only now. {handedOver.username} must choose their own at first sign-in.</Text>
        </>
      )}
      <Group mt="xs">
        <Button size="compact-sm" variant="light" onClick={onDone}>
          Done
        </Button>
      </Group>
    </Alert>
  );
}
