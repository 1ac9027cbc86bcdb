import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTextPage } from '../ingest/text-page.ts';
import { extractEntities } from './entity-extraction.ts';
import { attributeQuotes } from './quote-attribution.ts';

// The seed is read from ../shared at test time, never copied into the repository.
const seedPath = path.resolve(import.meta.dirname, '../../../shared/seeds/000_1cf7490bba804225.txt');

const names = (title: string, paragraphs: string[], type: string) =>
  extractEntities(title, paragraphs)
    .entities.filter((entity) => entity.type === type)
    .map((entity) => entity.name);

describe('extractEntities on the seed article', () => {
  const seed = parseTextPage(fs.readFileSync(seedPath, 'utf8'));
  const paragraphs = [seed.subtitle ?? '', ...seed.paragraphs];

  it('finds every person it names, each once, by full name', () => {
    // Written by hand from reading the seed: titles (المتحدث باسم، رئيس الوزراء، مستشار…، اللواء), a kunya,
    // first names and "بزعامة"; short forms (الكاظمي، الأعرجي، رسول) are the same people.
    expect(names(seed.title, paragraphs, 'person').sort()).toEqual(
      ['وين ماروتو', 'مصطفى الكاظمي', 'قاسم الأعرجي', 'يحيى رسول', 'قاسم سليماني', 'أبو مهدي المهندس', 'هادي العامري'].sort(),
    );
  });

  it('finds every organisation it names', () => {
    const found = names(seed.title, paragraphs, 'organisation');
    for (const name of ['التحالف الدولي', 'داعش', 'تويتر', 'البيشمركة', 'قاصم الجبارين', 'فيلق القدس', 'الحرس الثوري', 'الحشد الشعبي', 'تحالف الفتح']) {
      expect(found).toContain(name);
    }
  });

  it('finds every place it names, with أميركا and الولايات المتحدة الأميركية as one country', () => {
    expect(names(seed.title, paragraphs, 'place').sort()).toEqual(
      ['العراق', 'الكويت', 'الولايات المتحدة', 'واشنطن', 'بغداد', 'الناصرية', 'بابل', 'إيران'].sort(),
    );
  });

  it('attributes the quotes to who said them, a following «وأضاف» to the same speaker', () => {
    const { mentions } = extractEntities(seed.title, paragraphs);
    const quotes = attributeQuotes(paragraphs, mentions);
    const speakers = quotes.map((quote) => quote.speakerName);
    expect(speakers.slice(0, 6)).toEqual(['وين ماروتو', 'قاسم الأعرجي', 'قاسم الأعرجي', 'يحيى رسول', 'يحيى رسول', 'يحيى رسول']);
    expect(quotes[0]!.text).toMatch(/^لا تغيير في مهمة التحالف/);
    // Names in quotes («تويتر», «الحوار الاستراتيجي») are not quotes.
    expect(quotes.map((quote) => quote.text)).not.toContain('تويتر');
  });
});

describe('attributeQuotes', () => {
  const speakersOf = (paragraphs: string[]) => attributeQuotes(paragraphs, extractEntities('محادثات', paragraphs).mentions).map((quote) => quote.speakerName);

  it('gives a country’s or a spokesman’s words to the country or the body, not to the person named before', () => {
    expect(speakersOf([
      'وقال الرئيس الأمريكي دونالد ترامب إن «المحادثات تسير بشكل جيد حتى الآن».',
      'وقالت كوريا الشمالية في بيان يوم الخميس إن «بعض المسؤولين يعرقلون التقدم المنشود منذ أشهر».',
      'وذكر المتحدث باسم وزارة الخارجية الروسية «نأمل أن تستمر المفاوضات دون شروط مسبقة».',
    ])).toEqual(['دونالد ترامب', 'كوريا الشمالية', 'وزارة الخارجية الروسية']);
  });

  it('gives a title’s words to the person that title introduced, or to no one, not to whoever spoke last', () => {
    const quotes = (paragraphs: string[]) => attributeQuotes(paragraphs, extractEntities('محادثات', paragraphs).mentions);
    expect(quotes([
      'وقال الرئيس التركي رجب طيب أردوغان إن «بلاده لن تتراجع أمام الضغوط الاقتصادية».',
      'وقال وزير الخارجية الأميركي مايك بومبيو إن «العقوبات ستبقى حتى يعود القس إلى بلاده».',
      'وأضاف الرئيس التركي «سنبحث عن أسواق جديدة وحلفاء جدد في كل مكان».',
    ]).map((quote) => quote.speakerName)).toEqual(['رجب طيب أردوغان', 'مايك بومبيو', 'رجب طيب أردوغان']);
    // Nobody was introduced as the federation’s president: the quote has no speaker rather than FIFA’s.
    const federation = quotes([
      'وقال المتحدث باسم الاتحاد الدولي لكرة القدم إن «الملف سيدرس بعناية خلال الأسابيع المقبلة».',
      'وقال رئيس الاتحاد المحلي «نحن جاهزون لاستضافة البطولة منذ سنوات».',
    ]);
    expect(federation.map((quote) => quote.text)).toEqual(['الملف سيدرس بعناية خلال الأسابيع المقبلة']);
  });

  it('credits no one with a subject-less quote when the person named last was named as an object', () => {
    // Neither the president the deal was between nor the minister who spoke earlier wrote the prisoner's letter.
    expect(speakersOf([
      'وقال وزير الخارجية الألماني هايكو ماس إن «الحوار مع أنقرة يجب أن يستمر رغم الخلافات».',
      'وكتب رجل الأعمال المسجون رسالة بعد أسابيع من الحديث عن صفقة بين الرئيس التركي رجب طيب أردوغان والزعماء الأوروبيين.',
      'وأوضح في رسالته: «لم أرتكب أي جريمة ولن أطلب العفو من أحد».',
    ])).toEqual(['هايكو ماس']);
  });

  it('does not give a subject-less quote to someone named inside an earlier quote', () => {
    // The executive is named in the minister's words; the next quote is the minister's too.
    expect(speakersOf([
      'وقال وزير الاتصالات الأردني خالد العمري إن «المدير التنفيذي للشركة سامي الحداد لم يتعاون مع المحققين منذ البداية».',
      'وأضاف أن «النتائج ستنشر كاملة قبل نهاية الشهر المقبل».',
    ])).toEqual(['خالد العمري', 'خالد العمري']);
  });

  it('still gives a subject-less quote to the speaker named last, and to the source a report names after «عن»', () => {
    expect(speakersOf([
      'وقال وزير المالية المصري محمد معيط في مؤتمر صحفي إن الموازنة الجديدة ستعلن قريبا.',
      'وأضاف أن «الحكومة لن تفرض ضرائب جديدة على السلع الأساسية هذا العام».',
      'ونقلت وكالة الأنباء الرسمية عن الرئيس التونسي قيس سعيد قوله إن البلاد بخير.',
      'وأضاف أن «الانتخابات ستجري في موعدها دون أي تأجيل مهما كانت الظروف».',
    ])).toEqual(['محمد معيط', 'قيس سعيد']);
  });

  it('credits no one when a word the text does not name is the subject of the verb, and «وأضاف أن» still continues', () => {
    // The official and the statement are not recognised; the minister named before did not say their words.
    expect(speakersOf([
      'وقال وزير الخارجية الأردني أيمن الصفدي إن «الحل السياسي هو الطريق الوحيد لإنهاء الأزمة».',
      'وأضاف أن «الأردن سيواصل دعم كل الجهود الدبلوماسية في المنطقة».',
      'وقال مسؤول أميركي إن «واشنطن لا تنوي سحب قواتها من المنطقة قريبا».',
      'وأضاف البيان أن «المفاوضات ستستأنف في مسقط خلال الأسبوع المقبل».',
    ])).toEqual(['أيمن الصفدي', 'أيمن الصفدي']);
  });

  it('gives the words of «الوزارة» to the ministry named before, not those of «الشرطة»', () => {
    expect(speakersOf([
      'وقالت وزارة الخارجية المصرية إن «القاهرة تتابع التطورات في السودان باهتمام بالغ».',
      'وقالت الوزارة في بيان ثان إن «الاتصالات مستمرة مع جميع الأطراف المعنية».',
      'وقالت الشرطة إن «التحقيقات في الحادث ما زالت في بدايتها».',
    ])).toEqual(['وزارة الخارجية المصرية', 'وزارة الخارجية المصرية']);
  });

  it('reads a country after a present tense or a participle as the object, not the speaker', () => {
    expect(speakersOf([
      'وحذر وزير الخارجية الروسي سيرغي لافروف من التصعيد، داعيا الولايات المتحدة إلى «عدم اللعب بالنار في المنطقة».',
      'وقال الرئيس السوري بشار الأسد إنه يعتبر الولايات المتحدة «قوة احتلال لا بد أن تغادر البلاد».',
    ])).toEqual(['سيرغي لافروف', 'بشار الأسد']);
  });
});

describe('extractEntities rules', () => {
  it('merges a person’s title, full name and short name into one person', () => {
    const { entities } = extractEntities('زيارة رسمية', [
      'استقبل رئيس الوزراء العراقي حيدر الزاملي وفداً تجارياً، وقال الزاملي إن الزيارة ناجحة.',
      'وأكد مكتب الزاملي أن اللقاء تناول الاستثمار.',
    ]);
    const people = entities.filter((entity) => entity.type === 'person');
    expect(people).toEqual([expect.objectContaining({ name: 'حيدر الزاملي', mentions: 3 })]);
  });

  it('reads names through clitics and variants: وبغداد، للعراق، تنظيم الدولة = داعش', () => {
    const { entities } = extractEntities('', ['وصل الوفد إلى وبغداد قادما من عمّان، وقدم دعما للعراق في حربه على تنظيم الدولة وداعش.']);
    expect(entities.map((entity) => `${entity.type}:${entity.name}:${entity.mentions}`)).toEqual([
      'place:بغداد:1',
      'place:عمّان:1',
      'place:العراق:1',
      'organisation:داعش:2',
    ]);
  });

  it('finds Latin names after a title and Latin acronyms', () => {
    const { entities } = extractEntities('', ['وقال المدير التنفيذي Satya Nadella في مقابلة مع BBC إن الشركة ستتوسع.']);
    expect(entities.map((entity) => `${entity.type}:${entity.name}`)).toEqual(['person:Satya Nadella', 'organisation:BBC']);
  });

  it('does not take a verb after a name, a day or a function word for part of the name', () => {
    const { entities } = extractEntities('', ['وأعلن اللواء سمير الحداد الثلاثاء أن القوات يستعد لها الجميع، والعقيد مراد يتحدث إلى الصحافيين.']);
    expect(entities.filter((entity) => entity.type === 'person').map((entity) => entity.name)).toEqual(['سمير الحداد', 'مراد']);
  });

  it('finds an organisation by its head word: هيئة …, جماعة «…», and a government by its adjective', () => {
    const { entities } = extractEntities('', ['ودعت هيئة الموانئ البحرية وجماعة «شباب الغد» الحكومة الأردنية إلى الحوار.']);
    expect(entities.map((entity) => `${entity.type}:${entity.name}`)).toEqual([
      'organisation:هيئة الموانئ البحرية',
      'organisation:شباب الغد',
      'organisation:الحكومة الأردنية',
    ]);
  });

  // A common noun after a title or an organisation's head is what someone did or what a group holds, not a name
  // (the demo's sports article showed «هدفين» as a person).
  it.each([
    ['no dual after a title and its description', 'وسجل المهاجم الشاب هدفين في الشوط الأول.', []],
    ['no feminine dual after a title', 'وفاز اللاعب مرتين بالبطولة.', []],
    ['no sound plural after a title', 'وبحث الوزير الأول انتخابات البلدية مع المعارضة.', []],
    ['no plural behind a preposition after a title', 'ورحب الرئيس بمفاوضات السلام.', []],
    ['no plural after a group’s head', 'وأصدرت مجموعة قرارات تنظم السوق.', []],
    ['no future verb after a title', 'وقال إن الرئيس سيكون في الرياض.', []],
    ['but a one-word name with a long vowel is a name', 'وأشاد المدرب شاهين باللاعبين، وقال الحارس غافين إن الفوز مستحق.', ['person:شاهين', 'person:غافين']],
    ['no noun behind a preposition after a title', 'وفاز اللاعب بجائزة أفضل لاعب في الموسم.', []],
    ['but a short family name in ات is a name', 'واستقبل الرئيس عرفات الوفد.', ['person:عرفات']],
    // Everyday words after a title: on real articles most of the people named by one word were these.
    ['no position after a player', 'وتعاقد النادي مع لاعب وسط من الدوري الإسباني.', []],
    ['no board after a chairman', 'واستقال رئيس مجلس إدارة النادي أمس.', []],
    ['no nationality after a player', 'وانضم لاعب مصري إلى الفريق.', []],
    ['no «سابق» after a minister', 'وانتقد وزير سابق القرار.', []],
    ['no sport after a coach, the name after it kept', 'وقال مدرب منتخب إنجلترا لكرة القدم غاريث ساوثغيت إن الفريق جاهز.', ['person:غاريث ساوثغيت']],
    ['no noun with a pronoun after a title', 'وعقد الرئيس الأميركي ونظيره الروسي مؤتمرا صحفيا، وأشادت الوزيرة بتصريحاتها.', []],
    ['no group in the movement of goods, but a movement that is one', 'وارتفعت حركة الحاويات في الموانئ، بينما قالت حركة النهضة إن الاتفاق صامد.', ['organisation:حركة النهضة']],
    ['no object after a group’s name, but its adjectives', 'وعزت هيئة الموانئ الزيادة إلى خطوط جديدة، وأعلنت هيئة الأركان العامة حالة الاستنفار.', ['organisation:هيئة الموانئ', 'organisation:هيئة الأركان العامة']],
    ['no preposition ending a name', 'وتحدث الرئيس الأمريكي دونالد ترامب بشأن الاتفاق.', ['person:دونالد ترامب']],
  ])('names %s', (_case, text, expected) => {
    const { entities } = extractEntities('', [text]);
    expect(entities.filter((entity) => entity.type !== 'place').map((entity) => `${entity.type}:${entity.name}`)).toEqual(expected);
  });

  it('knows a name after a head word also without it: «شركة كامبريدج أناليتيكا» is «كامبريدج أناليتيكا»', () => {
    const { entities } = extractEntities('', ['وقالت شركة كامبريدج أناليتيكا إن بياناتها نقلت إلى جزيرة كامتشاتكا عبر نهر الراين.']);
    const formsOf = (name: string) => entities.find((entity) => entity.name === name)?.forms;
    expect(formsOf('شركة كامبريدج أناليتيكا')).toContain('كامبريدج اناليتيكا');
    expect(formsOf('جزيرة كامتشاتكا')).toContain('كامتشاتكا');
    // A definite word after the head names nothing alone: «الراين» stays «نهر الراين».
    expect(formsOf('نهر الراين')).toEqual(['نهر الراين']);
  });
});
