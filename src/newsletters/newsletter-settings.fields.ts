import type { FormField } from '../newsroom/taxonomy.views.tsx';

const WEEKDAYS = ['الأحد', 'الاثنين', 'الثلاثاء', 'الأربعاء', 'الخميس', 'الجمعة', 'السبت'];

/** The admin form of a newsletter (/admin/newsletters), in the order an admin thinks about it. */
export function newsletterFields(sections: { id: string; name: string }[]): FormField[] {
  return [
    { name: 'name', label: 'اسم النشرة' },
    { name: 'slug', label: 'المعرّف في الروابط', kind: 'ltr', createOnly: true, hint: 'حروف لاتينية صغيرة وأرقام وشرطات، مثل sports-weekly. لا يتغيّر بعد الإنشاء.' },
    { name: 'description', label: 'الوصف', kind: 'textarea', hint: 'يراه القرّاء في صفحة النشرات وفي أسفل كل رسالة.' },
    {
      name: 'cadence',
      label: 'متى تُرسل',
      kind: 'select',
      options: [
        { value: 'manual', label: 'حين يرسلها المحررون' },
        { value: 'daily', label: 'كل يوم' },
        { value: 'weekly', label: 'كل أسبوع' },
        { value: 'on_publish', label: 'لحظة نشر خبر عاجل' },
      ],
    },
    { name: 'sendTime', label: 'وقت الإرسال', kind: 'ltr', hint: 'للنشرات اليومية والأسبوعية، مثل 07:00.' },
    {
      name: 'sendWeekday',
      label: 'يوم الإرسال',
      kind: 'select',
      hint: 'للنشرات الأسبوعية.',
      options: [{ value: '', label: '—' }, ...WEEKDAYS.map((day, i) => ({ value: String(i), label: day }))],
    },
    { name: 'timeZone', label: 'المنطقة الزمنية', kind: 'ltr', hint: 'مثل Asia/Riyadh؛ فارغة: توقيت الموقع.' },
    { name: 'perReaderTime', label: 'في الوقت نفسه بتوقيت كل قارئ (لمن اختار منطقته الزمنية)', kind: 'checkbox' },
    {
      name: 'contentRule',
      label: 'ما تحمله',
      kind: 'select',
      options: [
        { value: 'curated', label: 'ما يختاره المحررون' },
        { value: 'section_latest', label: 'آخر أخبار القسم المختار' },
        { value: 'breaking', label: 'الأخبار العاجلة' },
        { value: 'personalized', label: 'مختارات كل قارئ بحسب ما يتابعه' },
      ],
    },
    { name: 'sectionId', label: 'القسم', kind: 'select', options: [{ value: '', label: 'كل الأقسام' }, ...sections.map((section) => ({ value: section.id, label: section.name }))] },
    { name: 'articleLimit', label: 'عدد المقالات في الرسالة', kind: 'number' },
    { name: 'senderName', label: 'اسم المرسِل' },
    { name: 'senderAddress', label: 'عنوان المرسِل', kind: 'ltr' },
    { name: 'replyTo', label: 'عنوان الردود (اختياري)', kind: 'ltr' },
    {
      name: 'status',
      label: 'الحالة',
      kind: 'select',
      options: [
        { value: 'active', label: 'تُرسل ويُشترك فيها' },
        { value: 'archived', label: 'مؤرشفة: لا تُرسل ولا تظهر للقرّاء' },
      ],
    },
    { name: 'position', label: 'الترتيب في صفحة النشرات', kind: 'number', hint: 'الأصغر أولاً.' },
    { name: 'isDefault', label: 'النشرة الأساسية: أول ما يُعرض في نموذج الاشتراك، وما يشترك فيه القارئ بنقرة من أي صفحة', kind: 'checkbox' },
  ];
}
