/*
 * lessons_plugin.h: the C ABI between the lessons host and a scoring plugin.
 *
 * This header mirrors plugins/sdk/src/abi.rs field for field; a test compiles
 * it and checks every size and offset against the Rust definitions.
 *
 * A plugin exports one symbol, `lessons_plugin_entry`, returning a pointer to
 * a static LessonsPluginDescriptor. Strings are UTF-8 (pointer, length), not
 * NUL-terminated. The document is borrowed for one score() call. Results are
 * JSON written through the host's sink; the plugin never frees host memory
 * and the host never frees plugin memory.
 *
 * Versioning: the first four fields of the descriptor (magic, abi_major,
 * abi_minor, struct_size) never change. Within one major, fields are only
 * appended and the minor is bumped. A host refuses any other major.
 */
#ifndef LESSONS_PLUGIN_H
#define LESSONS_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LESSONS_ENTRY_SYMBOL "lessons_plugin_entry"
/* "LESSONS\0" read as a little-endian 64-bit integer. */
#define LESSONS_MAGIC UINT64_C(0x00534E4F5353454C)
#define LESSONS_ABI_MAJOR 1
#define LESSONS_ABI_MINOR 2

/* Descriptor flags. */
#define LESSONS_FLAG_PANIC_UNWIND UINT64_C(1) /* set it: C code does not unwind, so it cannot abort the host that way */
#define LESSONS_FLAG_THREAD_SAFE (UINT64_C(1) << 1)

/* Status codes returned by create() and score(). */
#define LESSONS_STATUS_OK 0u
#define LESSONS_STATUS_INVALID_INPUT 1u
#define LESSONS_STATUS_PLUGIN_ERROR 2u
#define LESSONS_STATUS_PANIC 3u
#define LESSONS_STATUS_OUTPUT_TOO_LARGE 4u

/* Section kinds (LessonsSection.kind). */
#define LESSONS_SECTION_OTHER 0u
#define LESSONS_SECTION_TERMS_OF_REFERENCE 1u
#define LESSONS_SECTION_METHODOLOGY 2u
#define LESSONS_SECTION_CHRONOLOGY 3u
#define LESSONS_SECTION_ANALYSIS 4u
#define LESSONS_SECTION_FINDINGS 5u
#define LESSONS_SECTION_RECOMMENDATIONS 6u
#define LESSONS_SECTION_LEARNING 7u
#define LESSONS_SECTION_BACKGROUND 8u
#define LESSONS_SECTION_CONCLUSION 9u

/* Sentence flags (LessonsSentence.flags). */
#define LESSONS_SENTENCE_HEADING 1u
#define LESSONS_SENTENCE_LIST_ITEM 2u
#define LESSONS_SENTENCE_RECOMMENDATION 4u
#define LESSONS_SENTENCE_QUOTED 8u

typedef struct LessonsStr {
    const uint8_t *ptr;
    size_t len;
} LessonsStr;

/* Host-owned buffer: write() returns 0 when the bytes were taken, non-zero at the cap. */
typedef struct LessonsSink {
    void *ctx;
    uint32_t (*write)(void *ctx, const uint8_t *bytes, size_t len);
} LessonsSink;

typedef struct LessonsHostInfo {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    LessonsStr host_version;
} LessonsHostInfo;

typedef struct LessonsMetricDecl {
    LessonsStr id;
    double min;
    double max;
    LessonsStr description;
} LessonsMetricDecl;

/* A byte range [start, end) of the document text, on UTF-8 boundaries. */
typedef struct LessonsSpan {
    uint64_t start;
    uint64_t end;
} LessonsSpan;

typedef struct LessonsSection {
    LessonsSpan heading;
    LessonsSpan span;
    uint32_t kind;
    uint32_t level;
} LessonsSection;

typedef struct LessonsParagraph {
    LessonsSpan span;
    uint32_t section;
} LessonsParagraph;

typedef struct LessonsSentence {
    LessonsSpan span;
    uint32_t paragraph;
    uint32_t section;
    uint32_t flags;
} LessonsSentence;

typedef struct LessonsItem {
    LessonsSpan span;
    uint32_t section;
    uint32_t number;
} LessonsItem;

typedef struct LessonsPage {
    LessonsSpan span;
    uint32_t number;
} LessonsPage;

typedef struct LessonsDocumentView {
    uint32_t struct_size;
    LessonsStr id;
    LessonsStr title;
    LessonsStr text;
    const LessonsSection *sections;
    size_t sections_len;
    const LessonsParagraph *paragraphs;
    size_t paragraphs_len;
    const LessonsSentence *sentences;
    size_t sentences_len;
    const LessonsSpan *quotes;
    size_t quotes_len;
    const LessonsItem *list_items;
    size_t list_items_len;
    const LessonsItem *recommendations;
    size_t recommendations_len;
    const LessonsPage *pages;
    size_t pages_len;
    /* ABI 1.2: appended; read only when struct_size covers it */
    uint64_t flags; /* LESSONS_DOCUMENT_* */
} LessonsDocumentView;

/* Document flags (ABI 1.2). id, title and text are valid UTF-8: the host checked them. */
#define LESSONS_DOCUMENT_TEXT_UTF8 UINT64_C(1)
/* The size of a view from a host before ABI 1.2 (it ends before `flags`): a
 * plugin that does not read `flags` accepts any view at least this big. */
#define LESSONS_DOCUMENT_VIEW_SIZE_1_0 offsetof(LessonsDocumentView, flags)

typedef uint32_t (*LessonsCreateFn)(LessonsStr settings_json, void **instance_out, LessonsSink err);
typedef uint32_t (*LessonsScoreFn)(void *instance, const LessonsDocumentView *document, LessonsSink out, LessonsSink err);
typedef void (*LessonsDestroyFn)(void *instance);
/* ABI 1.1, optional: write the metrics this instance scores, as a JSON array
 * of {"id", "min", "max", "description", "rules"?}, for metrics known only
 * once create() has read the settings. They replace the static table for the
 * instance. Leave the field NULL to keep the static table. */
typedef uint32_t (*LessonsInstanceMetricsFn)(void *instance, LessonsSink out, LessonsSink err);

typedef struct LessonsPluginDescriptor {
    /* frozen prefix: never changes */
    uint64_t magic;
    uint16_t abi_major;
    uint16_t abi_minor;
    uint32_t struct_size;
    /* ABI 1.0 body: append-only within major 1 */
    uint64_t flags;
    LessonsStr name;
    LessonsStr version;
    LessonsStr sdk_version;
    LessonsStr description;
    const LessonsMetricDecl *metrics;
    size_t metrics_len;
    LessonsCreateFn create;
    LessonsScoreFn score;
    LessonsDestroyFn destroy;
    /* ABI 1.1: appended; read only when abi_minor >= 1 and struct_size covers it */
    LessonsInstanceMetricsFn instance_metrics;
} LessonsPluginDescriptor;

/* The one export. Return NULL to refuse a host whose abi_major differs. */
typedef const LessonsPluginDescriptor *(*LessonsEntryFn)(const LessonsHostInfo *host);

#define LESSONS_STR(literal) ((LessonsStr){(const uint8_t *)(literal), sizeof(literal) - 1})

#ifdef __cplusplus
}
#endif

#endif /* LESSONS_PLUGIN_H */
