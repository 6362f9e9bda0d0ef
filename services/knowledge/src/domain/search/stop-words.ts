/** Function words that carry no topic; dropped from word terms (character n-grams keep them). */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be but by can could did do does for from had has have how i if in into is it its me my ' +
    'no not of on or our please so that the their them then there these they this to was we were what when where ' +
    'which who why will with would you your'
  ).split(' '),
);

/** Chinese particles and pronouns that appear in almost every customer question. */
export const CHINESE_STOP_WORDS: ReadonlySet<string> = new Set(
  '的 了 吗 呢 吧 啊 呀 哦 嘛 么 我 你 您 他 她 是 在 就 都 也 和 与 请问 一下 这个 那个 这样 那么'.split(
    ' ',
  ),
);
