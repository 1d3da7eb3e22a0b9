"""Small models reused by several notebooks."""

from aigc_utils.models.judge import DigitJudge, train_digit_judge

__all__ = ["DigitJudge", "train_digit_judge"]
