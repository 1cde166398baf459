/*
 * A minimal lessons plugin in C: scores `c_should_have`, ten points for each
 * sentence outside quoted speech that contains "should have", and cites each
 * one as evidence.
 *
 * Build (from the repository root):
 *   cc -shared -fPIC -O2 -Wall -Wextra -I plugins/sdk/include \
 *      -o target/liblessons_example_c.so plugins/examples/c-minimal/should_have.c
 * Use:
 *   target/release/lessons score reviews --plugins target/liblessons_example_c.so
 */
#include <stdio.h>
#include <string.h>

#include "lessons_plugin.h"

static const LessonsMetricDecl METRICS[] = {
    {LESSONS_STR("c_should_have"), 0.0, 100.0, LESSONS_STR("ten points per sentence saying 'should have'")},
};

static int instance_marker;

static uint32_t create(LessonsStr settings_json, void **instance_out, LessonsSink err) {
    (void)settings_json;
    (void)err;
    *instance_out = &instance_marker; /* no state: any non-null marker will do */
    return LESSONS_STATUS_OK;
}

static int contains(const uint8_t *text, size_t len, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(text + i, needle, n) == 0) return 1;
    }
    return 0;
}

static uint32_t write_text(LessonsSink sink, const char *text) {
    return sink.write(sink.ctx, (const uint8_t *)text, strlen(text));
}

static uint32_t score(void *instance, const LessonsDocumentView *doc, LessonsSink out, LessonsSink err) {
    (void)instance;
    if (doc == NULL || doc->struct_size < LESSONS_DOCUMENT_VIEW_SIZE_1_0) {
        write_text(err, "the host's document view is older than this plugin");
        return LESSONS_STATUS_INVALID_INPUT;
    }
    char buffer[256];
    unsigned hits = 0;
    if (write_text(out, "{\"evidence\":[")) return LESSONS_STATUS_OUTPUT_TOO_LARGE;
    for (size_t i = 0; i < doc->sentences_len; i++) {
        const LessonsSentence *s = &doc->sentences[i];
        if (s->flags & LESSONS_SENTENCE_QUOTED) continue;
        if (!contains(doc->text.ptr + s->span.start, (size_t)(s->span.end - s->span.start), "should have")) continue;
        snprintf(buffer, sizeof buffer,
                 "%s{\"metric\":\"c_should_have\",\"start\":%llu,\"end\":%llu,"
                 "\"rule\":\"c.should_have\",\"note\":\"a hindsight counterfactual\",\"weight\":1}",
                 hits ? "," : "", (unsigned long long)s->span.start, (unsigned long long)s->span.end);
        if (write_text(out, buffer)) return LESSONS_STATUS_OUTPUT_TOO_LARGE;
        hits++;
    }
    double value = hits >= 10 ? 100.0 : 10.0 * hits;
    snprintf(buffer, sizeof buffer, "],\"scores\":{\"c_should_have\":%.1f}}", value);
    if (write_text(out, buffer)) return LESSONS_STATUS_OUTPUT_TOO_LARGE;
    return LESSONS_STATUS_OK;
}

static void destroy(void *instance) { (void)instance; }

static const LessonsPluginDescriptor DESCRIPTOR = {
    .magic = LESSONS_MAGIC,
    .abi_major = LESSONS_ABI_MAJOR,
    .abi_minor = LESSONS_ABI_MINOR,
    .struct_size = sizeof(LessonsPluginDescriptor),
    .flags = LESSONS_FLAG_PANIC_UNWIND | LESSONS_FLAG_THREAD_SAFE,
    .name = LESSONS_STR("c_should_have"),
    .version = LESSONS_STR("0.1.0"),
    .sdk_version = LESSONS_STR("c-header-1.0"),
    .description = LESSONS_STR("a minimal plugin in C"),
    .metrics = METRICS,
    .metrics_len = sizeof METRICS / sizeof METRICS[0],
    .create = create,
    .score = score,
    .destroy = destroy,
};

const LessonsPluginDescriptor *lessons_plugin_entry(const LessonsHostInfo *host) {
    if (host != NULL && host->abi_major != LESSONS_ABI_MAJOR) return NULL;
    return &DESCRIPTOR;
}
