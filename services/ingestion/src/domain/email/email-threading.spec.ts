import { storedReferences, threadAncestors } from './email-threading';

describe('e-mail threading', () => {
  it('looks at the message answered first, then the thread from newest to oldest, each once', () => {
    expect(threadAncestors({ inReplyTo: '<c@x>', references: ['<a@x>', '<b@x>', '<c@x>'] })).toEqual([
      '<c@x>',
      '<b@x>',
      '<a@x>',
    ]);
  });

  it('works with only one of the headers', () => {
    expect(threadAncestors({ inReplyTo: null, references: ['<a@x>', '<b@x>'] })).toEqual(['<b@x>', '<a@x>']);
    expect(threadAncestors({ inReplyTo: '<a@x>', references: [] })).toEqual(['<a@x>']);
    expect(threadAncestors({ inReplyTo: null, references: [] })).toEqual([]);
  });

  it('stores References with an In-Reply-To they lack, oldest first', () => {
    expect(storedReferences({ inReplyTo: '<b@x>', references: ['<a@x>'] })).toEqual(['<a@x>', '<b@x>']);
    expect(storedReferences({ inReplyTo: '<a@x>', references: ['<a@x>'] })).toEqual(['<a@x>']);
  });
});
