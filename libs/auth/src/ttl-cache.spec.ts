import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  it('expires entries after the ttl and evicts the oldest past the size bound', () => {
    let now = 0;
    const cache = new TtlCache<string>(100, 2, () => now);
    cache.set('a', 'A');
    now = 50;
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A');
    now = 100;
    expect(cache.get('a')).toBeUndefined();
    cache.set('c', 'C');
    cache.set('d', 'D');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('d')).toBe('D');
  });

  it('caches nothing with a zero ttl', () => {
    const cache = new TtlCache<number>(0);
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
  });
});
