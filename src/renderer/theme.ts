// Mshahara's look: the Mantine theme, and its CSS variables written through the CSSOM because the
// strict Content Security Policy (style-src 'self') refuses the <style> tag Mantine would inject.
import {
  createTheme,
  defaultCssVariablesResolver,
  mergeMantineTheme,
  DEFAULT_THEME,
  type MantineTheme,
} from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'teal',
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
  headings: { fontWeight: '650' },
  components: {
    // Scroll locking injects a <style> element, which the CSP refuses; the overlay is enough.
    Modal: { defaultProps: { lockScroll: false } },
    Drawer: { defaultProps: { lockScroll: false } },
  },
});

/** Writes every Mantine CSS variable for the light scheme onto <html>, as inline CSSOM properties. */
export function applyThemeVariables(root: HTMLElement = document.documentElement): void {
  const full: MantineTheme = mergeMantineTheme(DEFAULT_THEME, theme);
  const { variables, light } = defaultCssVariablesResolver(full);
  for (const [name, value] of Object.entries({ ...variables, ...light })) root.style.setProperty(name, value);
  root.setAttribute('data-mantine-color-scheme', 'light');
}
