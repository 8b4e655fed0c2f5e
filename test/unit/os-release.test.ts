import { describe, expect, it } from 'vitest';
import { osRelease } from '../../src/integrations/host/os-info.ts';

describe('osRelease', () => {
  it('takes the release without the codename that VERSION adds in parentheses', () => {
    const debian = [
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
      'NAME="Debian GNU/Linux"',
      'VERSION_ID="12"',
      'VERSION="12 (bookworm)"',
      'VERSION_CODENAME=bookworm',
      'ID=debian',
    ].join('\n');
    expect(osRelease(debian)).toEqual({ distro: 'Debian GNU/Linux', release: '12', codename: 'bookworm' });
  });

  it('prefers VERSION_CODENAME to the name in parentheses, and keeps what VERSION says besides it', () => {
    const ubuntu = 'NAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION="24.04.1 LTS (Noble Numbat)"\nVERSION_CODENAME=noble\n';
    expect(osRelease(ubuntu)).toEqual({ distro: 'Ubuntu', release: '24.04.1 LTS', codename: 'noble' });
    expect(osRelease('NAME=Fedora\nVERSION="40 (Container Image)"\n')).toEqual({ distro: 'Fedora', release: '40', codename: 'Container Image' });
  });

  it('falls back to VERSION_ID, then BUILD_ID, for distributions without VERSION', () => {
    expect(osRelease('NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n')).toEqual({
      distro: 'Alpine Linux',
      release: '3.20.3',
    });
    expect(osRelease('NAME="Arch Linux"\nBUILD_ID=rolling\n')).toEqual({ distro: 'Arch Linux', release: 'rolling' });
  });

  it('reads quotes and backslash escapes as os-release(5) writes them, and skips comments', () => {
    expect(osRelease("# a comment\nNAME='My \\\"Linux\\\"'\nVERSION_ID=1\n")).toEqual({ distro: 'My "Linux"', release: '1' });
    expect(osRelease('')).toEqual({ distro: 'Linux', release: '' });
  });
});
