import type { CheckId } from './check-result.ts';

export const CHECK_TITLES: Record<CheckId, string> = {
  health: 'Health',
  container: 'Container',
  resources: 'Resources',
  'image-update': 'Image update',
  versions: 'Engine and OS versions',
  'error-logs': 'Error logs',
  'key-material': 'Key material',
  'old-material': 'Old material',
  'third-party': 'Third-party systems',
  database: 'Database',
};
