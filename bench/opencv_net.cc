#include "opencv_net.h"

#include <opencv2/core/utils/logger.hpp>
#include <stdexcept>


namespace frost::bench {
namespace {

// [a, b, c, d] -> [a, d, b, c] (NHWC -> NCHW) or back with `to_nchw` false.
void transpose4(const float* in, float* out, const int64_t d[4], bool to_nchw) {
  const int64_t n = d[0], h = to_nchw ? d[1] : d[2], w = to_nchw ? d[2] : d[3], c = to_nchw ? d[3] : d[1];
  for (int64_t b = 0; b < n; ++b)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        for (int64_t k = 0; k < c; ++k) {
          const int64_t nhwc = ((b * h + y) * w + x) * c + k, nchw = ((b * c + k) * h + y) * w + x;
          if (to_nchw) {
            out[nchw] = in[nhwc];
          } else {
            out[nhwc] = in[nchw];
          }
        }
}

cv::Mat to_blob(const Tensor& t, bool nchw_graph) {
  if (t.dtype() != DType::Float) throw std::runtime_error("bench_model feeds OpenCV float inputs only");
  std::vector<int> sizes(t.shape().dims().begin(), t.shape().dims().end());
  const int64_t* d = t.shape().dims().data();
  if (t.rank() == 4 && !nchw_graph) sizes = {static_cast<int>(d[0]), static_cast<int>(d[3]), static_cast<int>(d[1]), static_cast<int>(d[2])};
  cv::Mat blob(static_cast<int>(sizes.size()), sizes.data(), CV_32F);
  if (t.rank() == 4 && !nchw_graph) {
    transpose4(t.data<float>(), blob.ptr<float>(), d, true);
  } else {
    std::copy_n(t.data<float>(), t.num_elements(), blob.ptr<float>());
  }
  return blob;
}

std::string layer_name(const std::string& tensor) {
  const size_t colon = tensor.rfind(':');
  return tensor.substr(0, colon == std::string::npos || tensor.substr(colon) == ":0" ? colon : std::string::npos);
}

}  // namespace

std::string short_opencv_message(const cv::Exception& e, size_t max_chars) {
  std::string m = e.err.empty() ? e.what() : e.err;
  for (char& c : m)
    if (c == '\n') c = ' ';
  return m.size() > max_chars ? m.substr(0, max_chars - 3) + "..." : m;
}

OpenCvNet::OpenCvNet(const std::string& graph_file, const std::vector<std::pair<std::string, Tensor>>& feeds,
                     const std::vector<std::string>& fetches, bool nchw_graph)
    : nchw_graph_(nchw_graph) {
  // The importer logs every layer it cannot parse before throwing; the
  // exception's message is what the report keeps.
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  try {
    net_ = cv::dnn::readNetFromTensorflow(graph_file);
  } catch (const cv::Exception& e) {
    throw std::runtime_error("import: " + short_opencv_message(e));
  }
  net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  for (const auto& [name, value] : feeds) blobs_.emplace_back(layer_name(name), to_blob(value, nchw_graph));
  for (const std::string& f : fetches) output_names_.push_back(layer_name(f));
}

void OpenCvNet::forward() {
  try {
    for (const auto& [name, blob] : blobs_) net_.setInput(blob, name);
    net_.forward(outputs_, output_names_);
  } catch (const cv::Exception& e) {
    throw std::runtime_error("run: " + short_opencv_message(e));
  }
}

std::vector<Tensor> OpenCvNet::outputs(const std::vector<Tensor>& like) const {
  std::vector<Tensor> out;
  for (size_t i = 0; i < outputs_.size(); ++i) {
    const cv::Mat& m = outputs_[i];
    std::vector<int64_t> dims(m.size.p, m.size.p + m.dims);
    Tensor t(DType::Float, Shape(dims));
    const cv::Mat dense = m.isContinuous() ? m : m.clone();
    if (m.dims == 4 && !nchw_graph_) {
      const int64_t d[4] = {dims[0], dims[1], dims[2], dims[3]};
      t = Tensor(DType::Float, Shape{dims[0], dims[2], dims[3], dims[1]});
      transpose4(dense.ptr<float>(), t.data<float>(), d, false);
    } else {
      std::copy_n(dense.ptr<float>(), t.num_elements(), t.data<float>());
    }
    // OpenCV drops or adds unit dimensions (a [4,10] softmax may come back [4,10,1,1]).
    if (i < like.size() && like[i].num_elements() == t.num_elements()) t = t.reshaped(like[i].shape());
    out.push_back(t);
  }
  return out;
}

}  // namespace frost::bench
