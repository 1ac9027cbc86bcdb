import { normalizeArabic } from './normalize.ts';

/**
 * Function words that say nothing about a text's subject: prepositions, pronouns, conjunctions, auxiliaries,
 * demonstratives and relatives common in news prose. Written as readers spell them and normalized here with the
 * same rules as the text, so "إلى" and "الى" are both caught. Single letters (و ب ل ك ف) never survive
 * tokenization as words of their own; they are listed so a stray one is dropped too.
 */
const WORDS = `
و ب ل ك ف ا ي
في من إلى الى على عن مع عند لدى حتى منذ مذ نحو حول دون ضد بين بعد قبل خلال عبر لدي
أن إن أنّ إنّ كأن لكن لكنّ أو أم ثم بل لا لم لن ما ماذا متى أين كيف كم هل قد لقد سوف ليس ليست
هذا هذه هذان هاتان هؤلاء ذلك تلك ذاك أولئك هنا هناك هنالك
الذي التي الذين اللذان اللتان اللواتي اللاتي
هو هي هم هن هما أنا نحن أنت أنتم أنتن إياه إياها
كان كانت كانوا يكون تكون يكونون أصبح أصبحت صار ظل
كل بعض أي غير سوى أيضا إذا إذ إذن لو لولا كي لكي حيث كما مثل بينما عندما لما
فيه فيها فيهم عليه عليها عليهم إليه إليها منه منها منهم عنه عنها له لها لهم به بها بهم
أنه أنها أنهم إنه إنها إنهم لأن لان وهو وهي وقد ولم ولا وما وفي ومن وعلى وإن وأن
يا ها أما إما نعم
`;

export const STOPWORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean).map(normalizeArabic));
