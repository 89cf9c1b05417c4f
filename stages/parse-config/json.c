#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "error.h"

const char *jpath_key(char *buf, const char *parent, const char *key)
{
	if (*parent)
		snprintf(buf, JPATH_MAX, "%s.%s", parent, key);
	else
		snprintf(buf, JPATH_MAX, "%s", key);
	return buf;
}

const char *jpath_idx(char *buf, const char *parent, int i)
{
	snprintf(buf, JPATH_MAX, "%s[%d]", parent, i);
	return buf;
}

/* null counts as absent, as Go's decoder (runc) reads it: Go writes nil slices as null. */
const cJSON *jget(const cJSON *obj, const char *key)
{
	const cJSON *v;

	if (!obj)
		return NULL;
	v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsNull(v) ? NULL : v;
}

static int must_be(const char *path, const char *what, struct stage_error *err)
{
	return stage_fail(err, 0, "%s: must be %s", path, what);
}

int jv_string(const cJSON *v, const char *path, const char **out, struct stage_error *err)
{
	if (!cJSON_IsString(v))
		return must_be(path, "a string", err);
	*out = v->valuestring;
	return 0;
}

int jv_bool(const cJSON *v, const char *path, bool *out, struct stage_error *err)
{
	if (!cJSON_IsBool(v))
		return must_be(path, "a boolean", err);
	*out = cJSON_IsTrue(v);
	return 0;
}

int jv_object(const cJSON *v, const char *path, struct stage_error *err)
{
	if (!cJSON_IsObject(v))
		return must_be(path, "an object", err);
	return 0;
}

int jv_array(const cJSON *v, const char *path, struct stage_error *err)
{
	if (!cJSON_IsArray(v))
		return must_be(path, "an array", err);
	return 0;
}

/*
 * cJSON keeps numbers as doubles, exact up to 2^53. The only larger values
 * configs use in practice are the type maxima (2^63-1, 2^64-1 for
 * "unlimited"), which round to 2^63 and 2^64; map those back to the maxima.
 */
static int integral(const cJSON *v, const char *path, double *d, struct stage_error *err)
{
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
	    v->valuedouble != floor(v->valuedouble))
		return must_be(path, "an integer", err);
	*d = v->valuedouble;
	return 0;
}

int jv_i64(const cJSON *v, const char *path, int64_t min, int64_t max, int64_t *out,
	   struct stage_error *err)
{
	double d;
	int64_t n = 0;
	bool fits;

	if (integral(v, path, &d, err) < 0)
		return -1;
	fits = d >= -9223372036854775808.0 && d <= 9223372036854775808.0;
	if (fits)
		n = d == 9223372036854775808.0 ? INT64_MAX : (int64_t)d;
	if (!fits || n < min || n > max)
		return stage_fail(err, 0, "%s: %.0f out of range %lld..%lld", path, d,
				  (long long)min, (long long)max);
	*out = n;
	return 0;
}

int jv_u64(const cJSON *v, const char *path, uint64_t max, uint64_t *out, struct stage_error *err)
{
	double d;
	uint64_t n;

	if (integral(v, path, &d, err) < 0)
		return -1;
	if (d < 0 || d > 18446744073709551616.0)
		return stage_fail(err, 0, "%s: %.0f out of range 0..%llu", path, d,
				  (unsigned long long)max);
	n = d == 18446744073709551616.0 ? UINT64_MAX : (uint64_t)d;
	if (n > max)
		return stage_fail(err, 0, "%s: %.0f out of range 0..%llu", path, d,
				  (unsigned long long)max);
	*out = n;
	return 0;
}

int jm_string(const cJSON *obj, const char *path, const char *key, const char **out,
	      struct stage_error *err)
{
	const cJSON *v = jget(obj, key);
	char p[JPATH_MAX];

	if (!v)
		return 0;
	return jv_string(v, jpath_key(p, path, key), out, err);
}

int jm_bool(const cJSON *obj, const char *path, const char *key, bool *out, struct stage_error *err)
{
	const cJSON *v = jget(obj, key);
	char p[JPATH_MAX];

	if (!v)
		return 0;
	return jv_bool(v, jpath_key(p, path, key), out, err);
}

int jm_i64(const cJSON *obj, const char *path, const char *key, int64_t min, int64_t max,
	   int64_t *out, bool *present, struct stage_error *err)
{
	const cJSON *v = jget(obj, key);
	char p[JPATH_MAX];

	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	return jv_i64(v, jpath_key(p, path, key), min, max, out, err);
}

int jm_u64(const cJSON *obj, const char *path, const char *key, uint64_t max, uint64_t *out,
	   bool *present, struct stage_error *err)
{
	const cJSON *v = jget(obj, key);
	char p[JPATH_MAX];

	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	return jv_u64(v, jpath_key(p, path, key), max, out, err);
}

int jm_array(const cJSON *obj, const char *path, const char *key, const cJSON **out,
	     struct stage_error *err)
{
	const cJSON *v = jget(obj, key);
	char p[JPATH_MAX];

	*out = NULL;
	if (!v)
		return 0;
	if (jv_array(v, jpath_key(p, path, key), err) < 0)
		return -1;
	*out = v;
	return 0;
}

int jm_object(const cJSON *obj, const char *path, const char *key, const cJSON **out,
	      struct stage_error *err)
{
	const cJSON *v = jget(obj, key);
	char p[JPATH_MAX];

	*out = NULL;
	if (!v)
		return 0;
	if (jv_object(v, jpath_key(p, path, key), err) < 0)
		return -1;
	*out = v;
	return 0;
}
