/* Running the benchmark: the table of sections in order, check selection,
 * outcomes and the score as docker-bench-security counts it (a scored check
 * adds one when it passes and takes one away when it warns). */
#include "bench/bench.h"

#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *bench_result_name(enum bench_result r)
{
	switch (r) {
	case BENCH_PASS:
		return "PASS";
	case BENCH_WARN:
		return "WARN";
	case BENCH_INFO:
		return "INFO";
	case BENCH_NOTE:
		return "NOTE";
	}
	return "INFO";
}

static int severity(enum bench_result r)
{
	switch (r) {
	case BENCH_PASS:
		return 0;
	case BENCH_NOTE:
		return 1;
	case BENCH_INFO:
		return 2;
	case BENCH_WARN:
		return 3;
	}
	return 2;
}

void bench_out_raise(struct bench_outcome *o, enum bench_result r)
{
	if (severity(r) > severity(o->result))
		o->result = r;
}

/* Outcome text comes from the daemon and the host: keep it valid UTF-8. */
static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		die("out of memory");
	char *clean = utf8_sanitize(s);
	free(s);
	return clean;
}

void bench_out_detail(struct bench_outcome *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vformat(fmt, ap);
	va_end(ap);
	o->details = xrealloc(o->details, (o->ndetails + 1) * sizeof *o->details);
	o->details[o->ndetails++] = s;
}

void bench_out_set(struct bench_outcome *o, enum bench_result r)
{
	o->result = r;
}

void bench_out_item(struct bench_outcome *o, enum bench_result r, const char *kind, const char *id, const char *name,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vformat(fmt, ap);
	va_end(ap);
	o->items = xrealloc(o->items, (o->nitems + 1) * sizeof *o->items);
	struct bench_item *it = &o->items[o->nitems++];
	it->result = r;
	bench_out_raise(o, r);
	it->kind = xstrdup(kind);
	it->id = utf8_sanitize(id ? id : "");
	it->name = utf8_sanitize(name ? name : id ? id : "");
	it->detail = s;
}

void bench_outcome_free(struct bench_outcome *o)
{
	for (size_t i = 0; i < o->ndetails; i++)
		free(o->details[i]);
	free(o->details);
	for (size_t i = 0; i < o->nitems; i++) {
		free(o->items[i].kind);
		free(o->items[i].id);
		free(o->items[i].name);
		free(o->items[i].detail);
	}
	free(o->items);
	memset(o, 0, sizeof *o);
}

const char *bench_section_title(const char *id)
{
	static const struct {
		const char *id, *title;
	} sections[] = {
		{"1", "Host Configuration"},
		{"1.1", "Linux Hosts Specific Configuration"},
		{"1.2", "General Configuration"},
		{"2", "Docker daemon configuration"},
		{"3", "Docker daemon configuration files"},
		{"4", "Container Images and Build File"},
		{"5", "Container Runtime"},
		{"6", "Docker Security Operations"},
		{"7", "Docker Swarm Configuration"},
	};
	for (size_t i = 0; i < ARRAY_LEN(sections); i++)
		if (!strcmp(sections[i].id, id))
			return sections[i].title;
	return NULL;
}

typedef const struct bench_check *(*section_fn)(size_t *n);
static const section_fn sections[] = {bench_checks_host,   bench_checks_daemon,  bench_checks_files,
				      bench_checks_images, bench_checks_runtime, bench_checks_ops,
				      bench_checks_swarm};

bool bench_pattern_known(const char *pat)
{
	for (size_t s = 0; s < ARRAY_LEN(sections); s++) {
		size_t n;
		const struct bench_check *c = sections[s](&n);
		for (size_t i = 0; i < n; i++)
			if (bench_pattern_matches(pat, c[i].id))
				return true;
	}
	return false;
}

static json_t *meta_of(struct bench_ctx *ctx)
{
	json_t *m = json_object();
	json_object_set_new(m, "tool", json_string("vigil"));
	json_object_set_new(m, "version", json_string(VIGIL_VERSION));
	json_object_set_new(m, "benchmark", json_string("CIS Docker Benchmark v1.6.0"));
	json_object_set_new(m, "time", json_integer((json_int_t)time(NULL)));
	json_t *d = json_object();
	char *sock = utf8_sanitize(ctx->sock);
	json_object_set_new(d, "socket", json_string(sock));
	free(sock);
	json_object_set_new(d, "server_version", json_string(bench_jstr(ctx->info, "ServerVersion")));
	json_object_set_new(d, "api_version", json_string(bench_jstr(ctx->version, "ApiVersion")));
	json_object_set_new(d, "operating_system", json_string(bench_jstr(ctx->info, "OperatingSystem")));
	json_object_set_new(d, "kernel", json_string(bench_jstr(ctx->info, "KernelVersion")));
	json_object_set_new(d, "storage_driver", json_string(bench_jstr(ctx->info, "Driver")));
	json_object_set_new(d, "root_dir", json_string(bench_jstr(ctx->info, "DockerRootDir")));
	json_object_set_new(d, "swarm", json_string(bench_swarm_state(ctx)));
	json_object_set_new(d, "pid", ctx->dockerd_pid ? json_integer(ctx->dockerd_pid) : json_null());
	char *why = utf8_sanitize(ctx->dockerd_why ? ctx->dockerd_why : "");
	json_object_set_new(d, "pid_source", json_string(why));
	free(why);
	json_object_set_new(d, "cmdline", ctx->cmdline_argv ? json_incref(ctx->cmdline_argv) : json_null());
	char *cfg = utf8_sanitize(ctx->config_path ? ctx->config_path : "");
	json_object_set_new(d, "config_file", json_string(cfg));
	free(cfg);
	char *note = utf8_sanitize(ctx->config_note ? ctx->config_note : "read");
	json_object_set_new(d, "config_file_state", json_string(note));
	free(note);
	json_object_set_new(m, "daemon", d);
	return m;
}

void bench_run(struct bench_ctx *ctx, const struct bench_filter *include, const struct bench_filter *exclude,
	       struct bench_report *rep)
{
	memset(rep, 0, sizeof *rep);
	for (size_t s = 0; s < ARRAY_LEN(sections); s++) {
		size_t n;
		const struct bench_check *c = sections[s](&n);
		for (size_t i = 0; i < n; i++) {
			if (include->n && !bench_filter_matches(include, c[i].id))
				continue;
			if (bench_filter_matches(exclude, c[i].id))
				continue;
			rep->entries = xrealloc(rep->entries, (rep->n + 1) * sizeof *rep->entries);
			struct bench_entry *e = &rep->entries[rep->n++];
			e->check = &c[i];
			memset(&e->out, 0, sizeof e->out);
			e->out.result = BENCH_PASS;
			c[i].run(ctx, &e->out);
			rep->checks++;
			if (c[i].scored && e->out.result == BENCH_PASS)
				rep->score++;
			else if (c[i].scored && e->out.result == BENCH_WARN)
				rep->score--;
		}
	}
	rep->meta = meta_of(ctx);
}

void bench_report_free(struct bench_report *rep)
{
	for (size_t i = 0; i < rep->n; i++)
		bench_outcome_free(&rep->entries[i].out);
	free(rep->entries);
	json_decref(rep->meta);
	memset(rep, 0, sizeof *rep);
}
