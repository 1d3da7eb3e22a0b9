import numpy as np
import pytest

from aigc_utils.data.ratings import Ratings, SyntheticShop, make_low_rank_ratings, split_ratings


def small_shop(seed: int = 0) -> SyntheticShop:
    return make_low_rank_ratings(60, 40, rank=3, n_categories=4, density=0.2, min_ratings_per_user=4, seed=seed)


def test_shop_is_well_formed_and_reproducible():
    shop = small_shop()
    r = shop.ratings
    assert (r.n_users, r.n_items) == (60, 40)
    assert r.users.dtype == np.int64 and r.items.dtype == np.int64 and r.values.dtype == np.float64
    assert set(np.unique(r.values)) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    pairs = set(zip(r.users.tolist(), r.items.tolist()))
    assert len(pairs) == len(r), "every (user, item) pair is rated at most once"
    assert np.bincount(r.users, minlength=60).min() >= 4
    assert 0.1 < len(r) / (60 * 40) < 0.35
    assert shop.true_scores.shape == (60, 40) and shop.item_category.shape == (40,)
    assert set(shop.item_category.tolist()) == {0, 1, 2, 3}
    assert shop.category_names == ("tea", "coffee", "snacks", "kitchenware") and len(shop.item_names) == 40
    again = small_shop()
    assert np.array_equal(again.ratings.values, r.values) and np.array_equal(again.true_scores, shop.true_scores)
    assert not np.array_equal(small_shop(seed=1).true_scores, shop.true_scores)


def test_ratings_follow_the_true_scores():
    shop = make_low_rank_ratings(300, 200, noise=0.3, seed=3)
    r = shop.ratings
    truth = np.clip(shop.true_scores[r.users, r.items], 1, 5)
    assert np.corrcoef(truth, r.values)[0, 1] > 0.8
    # low rank: the centred true scores have (almost) no energy beyond rank + biases
    centred = shop.true_scores - shop.true_scores.mean()
    singular = np.linalg.svd(centred, compute_uv=False)
    assert singular[6] < 1e-8 * singular[0]


def test_many_more_ratings_for_popular_items():
    r = make_low_rank_ratings(400, 100, density=0.1, seed=0).ratings
    counts = np.sort(np.bincount(r.items, minlength=100))
    assert counts[-10:].mean() > 4 * counts[:10].mean()


def test_matrix_has_nan_for_missing():
    shop = small_shop()
    matrix = shop.ratings.matrix()
    assert matrix.shape == (60, 40)
    assert np.count_nonzero(~np.isnan(matrix)) == len(shop.ratings)
    assert matrix[shop.ratings.users[0], shop.ratings.items[0]] == shop.ratings.values[0]


def test_split_keeps_every_user_in_training():
    shop = small_shop()
    train, test = split_ratings(shop.ratings, test_fraction=0.25, min_train_per_user=3, seed=0)
    assert len(train) + len(test) == len(shop.ratings)
    train_pairs = set(zip(train.users.tolist(), train.items.tolist()))
    assert train_pairs.isdisjoint(zip(test.users.tolist(), test.items.tolist()))
    per_user_train = np.bincount(train.users, minlength=60)
    assert per_user_train.min() >= 3
    assert 0.15 < len(test) / len(shop.ratings) < 0.26
    again_train, again_test = split_ratings(shop.ratings, test_fraction=0.25, min_train_per_user=3, seed=0)
    assert np.array_equal(again_test.users, test.users) and np.array_equal(again_test.items, test.items)


def test_select_filters_rows():
    r = small_shop().ratings
    keep = r.users < 10
    part = r.select(keep)
    assert isinstance(part, Ratings) and len(part) == int(keep.sum()) and part.users.max() < 10
    assert (part.n_users, part.n_items) == (r.n_users, r.n_items)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_users": 0}, ValueError, "n_users"),
        ({"n_users": 1}, ValueError, "at least 2"),
        ({"n_items": 2.5}, TypeError, "n_items"),
        ({"rank": 0}, ValueError, "rank"),
        ({"n_categories": 500}, ValueError, "n_categories"),
        ({"density": 1.0}, ValueError, "density"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"min_ratings_per_user": 1000}, ValueError, "min_ratings_per_user"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": "0"}, TypeError, "seed"),
    ],
)
def test_make_low_rank_ratings_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_low_rank_ratings(**kwargs)


def test_split_and_select_reject_bad_input():
    r = small_shop().ratings
    with pytest.raises(TypeError, match="ratings"):
        split_ratings(r.matrix())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="test_fraction"):
        split_ratings(r, test_fraction=0.0)
    with pytest.raises(ValueError, match="min_train_per_user"):
        split_ratings(r, min_train_per_user=0)
    with pytest.raises(TypeError, match="keep"):
        r.select(list(r.users < 3))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="keep"):
        r.select(np.ones(3, dtype=bool))
