import { describe, expect, it } from 'vitest';
import { frameOf, listRegion, managedRegion, outermost } from './tree-sql';

describe('tree regions', () => {
  const frame = frameOf({ key: 'rg', path: '/1/5/9/' });

  it('reads the ancestors off the path, root first', () => {
    expect(frame.ancestors).toEqual([
      { rowid: 1, path: '/1/' },
      { rowid: 5, path: '/1/5/' },
      { rowid: 9, path: '/1/5/9/' },
    ]);
    expect(listRegion(frame, false)).toEqual({ rowids: [1, 5, 9], ranges: [{ lo: '/1/5/9/', hi: '/1/5/90', self: false }] });
    expect(listRegion(frame, true)).toEqual({ rowids: [1, 5, 9], ranges: [] });
  });

  it('keeps only the outermost scopes, whatever order they come in', () => {
    const scopes = ['/1/5/9/12/', '/1/7/', '/1/5/', '/1/50/', '/1/5/9/', '/1/7/3/'].map((path) => ({ path }));
    expect(outermost(scopes).map((s) => s.path)).toEqual(['/1/5/', '/1/50/', '/1/7/']);
  });

  it('limits management access to the list: ancestors under a root, and the part of the subtree under one', () => {
    // a root above the URL scope reaches all of it below, and the ancestors from the root down
    expect(managedRegion(frame, false, [{ path: '/1/5/' }])).toEqual({
      rowids: [5, 9],
      ranges: [{ lo: '/1/5/9/', hi: '/1/5/90', self: false }],
    });
    // roots below the URL scope: their subtrees only
    expect(managedRegion(frame, false, [{ path: '/1/5/9/12/' }, { path: '/1/5/9/30/' }, { path: '/2/' }])).toEqual({
      rowids: [],
      ranges: [
        { lo: '/1/5/9/12/', hi: '/1/5/9/120', self: true },
        { lo: '/1/5/9/30/', hi: '/1/5/9/300', self: true },
      ],
    });
    expect(managedRegion(frame, true, [{ path: '/1/5/9/12/' }])).toEqual({ rowids: [], ranges: [] });
  });
});
