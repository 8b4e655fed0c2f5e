import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { assessImageUpdate, compareDigests, type ImageUpdateFindings } from '../../src/checks/image-update-assess.ts';
import { parseImageReference } from '../../src/integrations/registry/reference.ts';

const OLD = `sha256:${'1'.repeat(64)}`;
const NEW = `sha256:${'2'.repeat(64)}`;
const TAGS = ['7.3.0', '7.4.6', '7.5.0', '7.6.0-beta.1', '8.0.0', 'latest'];

function findings(reference: string, extra: Partial<ImageUpdateFindings> = {}): ImageUpdateFindings {
  const image = parseImageReference(reference);
  const tagVersion = image.tag ? semver.parse(image.tag) : null;
  return {
    image,
    tags: { ok: true, tags: TAGS },
    includePrereleases: false,
    ...(tagVersion ? { running: { version: tagVersion, source: 'tag' as const } } : {}),
    ...extra,
  };
}

describe('compareDigests', () => {
  const image = parseImageReference('127.0.0.1:5000/nmshd/connector:latest');

  it('is the same when any RepoDigest of the repository equals the registry digest', () => {
    expect(compareDigests(image, [`127.0.0.1:5000/nmshd/connector@${OLD}`, `127.0.0.1:5000/nmshd/connector@${NEW}`], NEW)).toEqual({
      kind: 'same',
      digest: NEW,
    });
  });

  it('has moved when the registry serves another digest for the tag', () => {
    expect(compareDigests(image, [`127.0.0.1:5000/nmshd/connector@${OLD}`], NEW)).toEqual({
      kind: 'moved',
      registryDigest: NEW,
      localDigests: [OLD],
    });
  });

  it('cannot compare when the image has no digest of this repository', () => {
    expect(compareDigests(image, [], NEW)).toEqual({ kind: 'not-from-registry' });
    expect(compareDigests(image, [`ghcr.io/nmshd/connector@${NEW}`], NEW)).toEqual({ kind: 'not-from-registry' });
  });
});

describe('assessImageUpdate', () => {
  it('warns of the routine update and names the new major as a migration', () => {
    const result = assessImageUpdate(findings('ghcr.io/nmshd/connector:7.4.6', { digest: { kind: 'same', digest: OLD } }));
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('7.4.6 → 7.5.0 available; 8.0.0 is a new major version (a migration)');
    expect(result.details).toContainEqual({ label: 'update', value: '7.4.6 → 7.5.0 (newest 7.x)', status: 'warn' });
    expect(result.details).toContainEqual({
      label: 'new major version',
      value: "8.0.0 is a new major version: a migration (see the Connector's migration guide), not a routine update",
    });
  });

  it('is ok on the newest version of the major, still showing the new major', () => {
    const result = assessImageUpdate(findings('ghcr.io/nmshd/connector:7.5.0', { digest: { kind: 'same', digest: OLD } }));
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('7.5.0 is the newest 7.x; 8.0.0 is a new major version (a migration)');
    expect(result.details).toContainEqual({ label: 'update', value: 'none: 7.5.0 is the newest 7.x', status: 'ok' });
  });

  it('is ok on the newest version', () => {
    const result = assessImageUpdate(findings('ghcr.io/nmshd/connector:8.0.0', { digest: { kind: 'same', digest: OLD } }));
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('8.0.0 is the newest version');
  });

  it('warns when latest moved, and tells the newest version tag', () => {
    const result = assessImageUpdate(
      findings('ghcr.io/nmshd/connector:latest', { digest: { kind: 'moved', registryDigest: NEW, localDigests: [OLD] } }),
    );
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('latest moved: the registry has a newer image for the same tag');
    expect(result.details).toContainEqual({ label: 'newest version', value: '8.0.0' });
    expect(result.details.find((d) => d.label === 'digest')?.value).toContain('sha256:222222222222');
  });

  it('is ok when latest is unchanged, without knowing its version', () => {
    const result = assessImageUpdate(findings('ghcr.io/nmshd/connector:latest', { digest: { kind: 'same', digest: OLD } }));
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('latest is unchanged in the registry (newest version 8.0.0)');
  });

  it('uses the version the Connector reports when the tag names none', () => {
    const result = assessImageUpdate(
      findings('ghcr.io/nmshd/connector:latest', {
        running: { version: semver.parse('7.4.6')!, source: 'connector' },
        digest: { kind: 'same', digest: OLD },
      }),
    );
    expect(result.status).toBe('warn');
    expect(result.summary).toContain('7.4.6 → 7.5.0 available');
    expect(result.details).toContainEqual({ label: 'running version', value: '7.4.6 (as the Connector reports it)' });
  });

  it('is unknown when neither version nor digest can tell', () => {
    const result = assessImageUpdate(
      findings('ghcr.io/nmshd/connector:latest', { digest: { kind: 'not-from-registry' }, versionProblem: 'API key rejected (401)' }),
    );
    expect(result.status).toBe('unknown');
    expect(result.summary).toContain('its tag names no version');
    expect(result.details.find((d) => d.label === 'running version')?.value).toContain('API key rejected (401)');
  });

  it('does not let a locally built image change the status of a versioned tag', () => {
    const result = assessImageUpdate(findings('ghcr.io/nmshd/connector:8.0.0', { digest: { kind: 'not-from-registry' } }));
    expect(result.status).toBe('ok');
  });

  it('warns when the running tag is gone from the registry', () => {
    const result = assessImageUpdate(findings('ghcr.io/nmshd/connector:8.0.0', { digest: { kind: 'tag-gone' } }));
    expect(result.status).toBe('warn');
    expect(result.summary).toContain('tag 8.0.0 is no longer in the registry');
  });

  it('is unknown with the reason when the registry cannot be read', () => {
    const result = assessImageUpdate(
      findings('ghcr.io/nmshd/connector:7.4.6', { tags: { ok: false, reason: 'registry ghcr.io unreachable: timed out' } }),
    );
    expect(result.status).toBe('unknown');
    expect(result.summary).toBe('Could not read the registry: registry ghcr.io unreachable: timed out');
  });

  it('marks a failed digest comparison unknown', () => {
    const result = assessImageUpdate(findings('ghcr.io/nmshd/connector:8.0.0', { digest: { kind: 'failed', reason: 'timed out' } }));
    expect(result.status).toBe('unknown');
    expect(result.details).toContainEqual({ label: 'digest', value: 'could not compare: timed out', status: 'unknown' });
  });

  it('reports prereleases when asked for them', () => {
    const result = assessImageUpdate(
      findings('ghcr.io/nmshd/connector:7.5.0', { includePrereleases: true, digest: { kind: 'same', digest: OLD } }),
    );
    expect(result.summary).toContain('7.5.0 → 7.6.0-beta.1 available');
  });

  it('handles a container pinned to a digest', () => {
    const pinned = findings(`ghcr.io/nmshd/connector@${OLD}`);
    expect(assessImageUpdate(pinned).status).toBe('unknown');
    const known = assessImageUpdate({ ...pinned, running: { version: semver.parse('7.5.0')!, source: 'connector' } });
    expect(known.status).toBe('ok');
    expect(known.details).toContainEqual({ label: 'digest', value: `pinned to ${OLD}` });
  });
});
