// Roles as the admin chooses them: one checkbox per role with what it does, and the roles a person
// holds as badges. The words are roleWords (src/shared/roles.ts), the same as every door uses.
import { Badge, Checkbox, Group, Stack } from '@mantine/core';
import { roles, roleWords, type Role } from '../../../shared/roles';

export function RoleChoice({
  value,
  onChange,
  error,
  label = 'Roles',
}: {
  value: readonly Role[];
  onChange(roles: Role[]): void;
  error?: string | undefined;
  label?: string;
}) {
  return (
    <Checkbox.Group
      label={label}
      value={[...value]}
      onChange={(chosen) => onChange(roles.filter((role) => chosen.includes(role)))}
      error={error}
    >
      <Stack gap={6} mt={4}>
        {roles.map((role) => (
          <Checkbox key={role} value={role} label={roleWords[role].name} description={roleWords[role].does} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}

export function RoleBadges({ held }: { held: readonly Role[] }) {
  return (
    <Group gap={4}>
      {held.map((role) => (
        <Badge key={role} variant="light" color={role === 'admin' ? 'grape' : 'blue'}>
          {roleWords[role].name}
        </Badge>
      ))}
    </Group>
  );
}
