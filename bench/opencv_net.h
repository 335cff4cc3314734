// A frozen TensorFlow graph run by OpenCV's DNN module, the peer of
// bench_model: cv::dnn::readNetFromTensorflow, OpenCV's own backend on the
// CPU, fed and read in TensorFlow's layout so its outputs compare directly
// with TensorFlow's reference values.
#pragma once

#include <opencv2/dnn.hpp>
#include <string>
#include <utility>
#include <vector>

#include "graph/tensor.h"

namespace frost::bench {

class OpenCvNet {
 public:
  // Imports `graph_file` with inputs `feeds` (tensor name -> value) and
  // outputs `fetches` ("name:0"). `nchw_graph`: the graph computes in NCHW,
  // so 4-D tensors pass through as they are; otherwise 4-D NHWC feeds are
  // transposed to the NCHW blobs OpenCV takes and 4-D outputs back.
  // Throws std::runtime_error with OpenCV's message when it cannot import.
  OpenCvNet(const std::string& graph_file, const std::vector<std::pair<std::string, Tensor>>& feeds,
            const std::vector<std::string>& fetches, bool nchw_graph);

  // One inference (sets the prepared blobs, forwards); throws
  // std::runtime_error with OpenCV's message when it cannot run.
  void forward();
  // The last forward's outputs in TensorFlow's layout, shaped as `like`
  // (the reference values) when the element counts agree.
  std::vector<Tensor> outputs(const std::vector<Tensor>& like) const;

 private:
  cv::dnn::Net net_;
  std::vector<std::pair<std::string, cv::Mat>> blobs_;  // OpenCV layer name -> input blob
  std::vector<cv::String> output_names_;
  std::vector<cv::Mat> outputs_;
  bool nchw_graph_;
};

// "Can't create layer ... of type IdentityN" from a cv::Exception, without
// OpenCV's file/line prefix, at most `max_chars` long.
std::string short_opencv_message(const cv::Exception& e, size_t max_chars = 120);

}  // namespace frost::bench
