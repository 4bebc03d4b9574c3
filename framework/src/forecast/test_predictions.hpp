// test_predictions.csv: the model's and every baseline's forecast of each scored test window, in the data's units.
#pragma once

#include <string>

#include "forecast/test_score.hpp"

namespace seqlab {

// window,time,output,target,step,row,truth,model,persistence,seasonal_naive,linear_ar: one row per scored test
// window and output, in window order; window is the test window's index, time the predicted row's ("" when the data
// has no times), target and step (1-based) what the output predicts, row the series' row it predicts (0-based, the
// rows of series.csv; "" when the data is not one series), a baseline the score has not got is left empty. Numbers as
// the shortest text of the exact double.
std::string test_predictions_csv(const TestScore& score);

}  // namespace seqlab
