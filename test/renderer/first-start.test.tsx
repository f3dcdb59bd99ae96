// @vitest-environment happy-dom
// First start's forms: the production form starts empty (a name suggested there would be a guess
// about real money), also after looking at the sandbox form first.
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FirstStart } from '../../src/renderer/screens/FirstStart';
import { renderWithProviders } from './support/render';

describe('First start', () => {
  it('offers an empty production form, even after the sandbox form was open', async () => {
    const user = userEvent.setup();
    renderWithProviders(<FirstStart />);
    await user.click(screen.getByText('Safaricom sandbox'));
    expect((screen.getByLabelText(/Profile name/) as HTMLInputElement).value).toBe('sandbox');

    await user.click(screen.getByText('Production (real money)'));
    expect(screen.getByText('Your Daraja app (production)')).toBeTruthy();
    expect((screen.getByLabelText(/Profile name/) as HTMLInputElement).value).toBe('');
  });
});
