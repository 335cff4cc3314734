/* Run a frozen TensorFlow model through Frost's C API and print its outputs.
 * Built outside Frost's build, against the installed library:
 *
 *   cc run.c $(pkg-config --cflags --libs frost) -o run
 *   ./run frozen_graph.pb inputs.npy             # float32 .npy for each input, in order
 *
 * Prints each output's name and shape, then its values, one per line. Every
 * failure is a status with a message: the program exits 2, never aborts. */
#include <frost/frost_c.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A float32 .npy (version 1 or 2, little-endian, C order): its shape and a
 * malloc'd copy of the data; 0 on failure. */
static int read_npy_f32(const char* path, int* rank, int64_t dims[8], float** data) {
  FILE* f = fopen(path, "rb");
  if (!f) return 0;
  unsigned char magic[10];
  int ok = 0;
  char* header = NULL;
  if (fread(magic, 1, 10, f) == 10 && memcmp(magic, "\x93NUMPY", 6) == 0) {
    size_t len = magic[8] | (size_t)magic[9] << 8;
    if (magic[6] != 1) { /* version 2: a 4-byte header length */
      unsigned char more[2];
      if (fread(more, 1, 2, f) != 2) goto done;
      len |= (size_t)more[0] << 16 | (size_t)more[1] << 24;
    }
    header = malloc(len + 1);
    if (!header || fread(header, 1, len, f) != len) goto done;
    header[len] = '\0';
    if (!strstr(header, "'<f4'") || strstr(header, "'fortran_order': True")) goto done;
    const char* p = strstr(header, "'shape'");
    if (!p || !(p = strchr(p, '('))) goto done;
    int64_t count = 1;
    *rank = 0;
    for (++p; *p && *p != ')' && *rank < 8;) {
      char* end;
      long long d = strtoll(p, &end, 10);
      if (end == p) { ++p; continue; }
      dims[(*rank)++] = d;
      count *= d;
      p = end;
    }
    *data = malloc((size_t)count * sizeof(float) + 1);
    ok = *data && fread(*data, sizeof(float), (size_t)count, f) == (size_t)count;
  }
done:
  free(header);
  fclose(f);
  return ok;
}

static int fail(frost_status* st) {
  fprintf(stderr, "frost: %s\n", frost_status_message(st));
  frost_status_free(st);
  return 2;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s MODEL.pb [INPUT.npy ...]\n", argv[0]);
    return 2;
  }
  frost_status* st = NULL;
  frost_model* model = NULL;
  if (frost_model_load(argv[1], NULL, &model, &st) != 0) return fail(st);

  size_t n_in = frost_model_num_inputs(model), n_out = frost_model_num_outputs(model);
  if ((size_t)(argc - 2) != n_in) {
    fprintf(stderr, "the model has %zu inputs; give one .npy for each\n", n_in);
    frost_model_free(model);
    return 2;
  }
  const char** in_names = calloc(n_in + 1, sizeof(char*));
  frost_tensor** in = calloc(n_in + 1, sizeof(frost_tensor*));
  float** buffers = calloc(n_in + 1, sizeof(float*));
  frost_tensor** out = calloc(n_out + 1, sizeof(frost_tensor*));
  int status = 0;
  for (size_t i = 0; i < n_in && status == 0; ++i) {
    int rank = 0;
    int64_t dims[8];
    in_names[i] = frost_model_input_name(model, i);
    if (!read_npy_f32(argv[2 + i], &rank, dims, &buffers[i])) {
      fprintf(stderr, "%s: not a float32 .npy file\n", argv[2 + i]);
      status = 2;
    } else {
      in[i] = frost_tensor_view(FROST_FLOAT32, rank, dims, buffers[i]); /* no copy */
    }
  }
  if (status == 0 && frost_model_run(model, n_in, in_names, in, n_out, NULL, out, &st) != 0) status = fail(st);
  for (size_t k = 0; k < n_out && status == 0; ++k) {
    printf("%s [", frost_model_output_name(model, k));
    for (int a = 0; a < frost_tensor_rank(out[k]); ++a)
      printf("%s%lld", a ? "," : "", (long long)frost_tensor_dim(out[k], a));
    printf("]\n");
    const float* values = frost_tensor_data(out[k]);
    if (frost_tensor_dtype(out[k]) == FROST_FLOAT32)
      for (int64_t j = 0; j < frost_tensor_num_elements(out[k]); ++j) printf("%.9g\n", values[j]);
  }
  for (size_t k = 0; k < n_out; ++k) frost_tensor_free(out[k]);
  for (size_t i = 0; i < n_in; ++i) {
    frost_tensor_free(in[i]);
    free(buffers[i]);
  }
  free(out);
  free(buffers);
  free(in);
  free(in_names);
  frost_model_free(model);
  return status;
}
