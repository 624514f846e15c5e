import { describe, expect, it } from 'vitest';
import { RegionConfig, validateRegions } from '../../functions/domain/region-schema.ts';
import { REGIONS, regionConfig } from '../../functions/domain/regions.ts';

describe('per-region configuration', () => {
  it('is validated with zod: a bad edit is refused with the field named', () => {
    const bad = { ...REGIONS.uk, aws: { region: 'europe', partition: 'aws' } };
    const r = RegionConfig.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['aws', 'region']);
    expect(() => regionConfig('fr')).toThrow(/Unknown region "fr": expected one of cn, uk, us/);
    expect(() => regionConfig('toString')).toThrow(/Unknown region "toString"/);
    expect(() => validateRegions({ ...REGIONS, uk: bad })).toThrow('Region "uk": aws.region: ');
  });

  it('every shipped region satisfies the schema (checked at synth time too: infra/app.ts)', () => {
    for (const [name, config] of Object.entries(REGIONS)) expect(RegionConfig.safeParse(config).success, name).toBe(true);
    expect(() => validateRegions(REGIONS)).not.toThrow();
    expect(Object.keys(REGIONS)).toEqual(['cn', 'uk', 'us']);
  });

  it('keeps China in its own partition and each region on its own calendar', () => {
    expect(REGIONS.cn.aws).toEqual({ region: 'cn-north-1', partition: 'aws-cn' });
    expect(REGIONS.uk.aws).toEqual({ region: 'eu-west-2', partition: 'aws' });
    expect(REGIONS.us.aws).toEqual({ region: 'us-east-1', partition: 'aws' });
    expect(REGIONS.cn.retention.archiveYears).toBeGreaterThanOrEqual(3);
  });

  it('matches the reviewed snapshot (a change to a regulatory clock must be deliberate)', () => {
    expect(REGIONS).toMatchSnapshot();
  });
});
