"""nn.utils.fusion: folding eval-mode batch norm into conv / linear, against PyTorch,
and skip_init."""

import numpy as np
import pytest

import autograd as ag
import nn
from nn.utils import fusion

torch = pytest.importorskip("torch")  # parity tests: skipped where PyTorch is not installed
tfusion = pytest.importorskip("torch.nn.utils.fusion")


def randomized_bn(bn, rng, affine=True):
    n = bn.num_features
    bn.running_mean.data[:] = rng.standard_normal(n)
    bn.running_var.data[:] = rng.uniform(0.5, 2.0, n)
    if affine:
        bn.weight.data[:] = rng.standard_normal(n)
        bn.bias.data[:] = rng.standard_normal(n)
    return bn.eval()


def to_torch(module, torch_module):
    torch_module.double()
    torch_module.load_state_dict({k: torch.from_numpy(np.asarray(v, np.float64))
                                  for k, v in module.state_dict().items()})
    return torch_module.eval()


@pytest.mark.parametrize("conv_cls,tconv,bn_cls,tbn,shape,bias", [
    (nn.Conv2d, torch.nn.Conv2d, nn.BatchNorm2d, torch.nn.BatchNorm2d, (2, 3, 5, 5), True),
    (nn.Conv1d, torch.nn.Conv1d, nn.BatchNorm1d, torch.nn.BatchNorm1d, (1, 3, 6), False),
])
def test_fuse_conv_bn_eval_matches_torch_and_unfused(conv_cls, tconv, bn_cls, tbn, shape, bias):
    rng = np.random.default_rng(0)
    conv = conv_cls(3, 4, 3, bias=bias, dtype=np.float64).eval()
    bn = randomized_bn(bn_cls(4, dtype=np.float64), rng)
    fused = fusion.fuse_conv_bn_eval(conv, bn)
    x = ag.tensor(rng.standard_normal(shape))
    np.testing.assert_allclose(fused(x).data, bn(conv(x)).data, rtol=1e-10, atol=1e-12)
    theirs = tfusion.fuse_conv_bn_eval(to_torch(conv, tconv(3, 4, 3, bias=bias)),
                                       to_torch(bn, tbn(4)))
    np.testing.assert_allclose(fused.weight.data, theirs.weight.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(fused.bias.data, theirs.bias.detach().numpy(), rtol=1e-12)
    assert fused.bias.requires_grad == theirs.bias.requires_grad
    assert fused is not conv and conv.weight.shape == fused.weight.shape


def test_fuse_conv_transpose_weights_match_torch():
    rng = np.random.default_rng(1)
    w = rng.standard_normal((3, 4, 2, 2))
    stats = [rng.standard_normal(4), rng.uniform(0.5, 2, 4), rng.standard_normal(4),
             rng.standard_normal(4)]
    ours = nn.utils.fuse_conv_bn_weights(ag.tensor(w), None, ag.tensor(stats[0]),
                                         ag.tensor(stats[1]), 1e-3, ag.tensor(stats[2]),
                                         ag.tensor(stats[3]), transpose=True)
    t = [torch.from_numpy(s) for s in stats]
    theirs = tfusion.fuse_conv_bn_weights(torch.from_numpy(w), None, t[0], t[1], 1e-3, t[2],
                                          t[3], transpose=True)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-12)
        assert isinstance(a, nn.Parameter)
    tconv = nn.ConvTranspose2d(3, 4, 2, dtype=np.float64).eval()
    bn = randomized_bn(nn.BatchNorm2d(4, dtype=np.float64), rng)
    fused = nn.utils.fuse_conv_bn_eval(tconv, bn, transpose=True)
    x = ag.tensor(rng.standard_normal((1, 3, 3, 3)))
    np.testing.assert_allclose(fused(x).data, bn(tconv(x)).data, rtol=1e-10, atol=1e-12)


def test_fuse_linear_bn_still_matches_torch():
    rng = np.random.default_rng(2)
    lin = nn.Linear(3, 4, dtype=np.float64).eval()
    bn = randomized_bn(nn.BatchNorm1d(4, dtype=np.float64), rng)
    fused = fusion.fuse_linear_bn_eval(lin, bn)
    theirs = tfusion.fuse_linear_bn_eval(to_torch(lin, torch.nn.Linear(3, 4)),
                                         to_torch(bn, torch.nn.BatchNorm1d(4)))
    np.testing.assert_allclose(fused.weight.data, theirs.weight.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(fused.bias.data, theirs.bias.detach().numpy(), rtol=1e-12)


def test_fusion_errors():
    conv, bn = nn.Conv2d(1, 2, 1), nn.BatchNorm2d(2)
    with pytest.raises(RuntimeError, match="eval"):
        fusion.fuse_conv_bn_eval(conv, bn)
    with pytest.raises(ValueError, match="out_channels"):
        fusion.fuse_conv_bn_eval(conv.eval(), nn.BatchNorm2d(3).eval())
    with pytest.raises(ValueError, match="running statistics"):
        fusion.fuse_conv_bn_eval(conv.eval(), nn.BatchNorm2d(2, track_running_stats=False).eval())


def test_skip_init_keeps_shapes_and_dtype():
    m = nn.utils.skip_init(nn.Linear, 5, 2, dtype=np.float64)
    t = torch.nn.utils.skip_init(torch.nn.Linear, 5, 2, dtype=torch.float64)
    assert type(m) is nn.Linear and m.weight.shape == tuple(t.weight.shape)
    assert m.weight.dtype == np.float64 and m.weight.requires_grad
    with pytest.raises(RuntimeError, match="Expected a Module"):
        nn.utils.skip_init(int, 3)


def test_convert_parameters_module_path_as_torch():
    from nn.utils import convert_parameters

    m = nn.Linear(2, 3)
    vec = convert_parameters.parameters_to_vector(m.parameters())
    assert vec.shape == (9,)
    convert_parameters.vector_to_parameters(ag.zeros(9), m.parameters())
    assert not m.weight.data.any() and not m.bias.data.any()
