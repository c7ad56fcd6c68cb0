package dev.minitape.nn.io;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import dev.minitape.nn.Module;
import dev.minitape.nn.Parameter;

/** A test model: two parameters of its own and a child with a weight and a bias (names: scale, embed, proj.*). */
final class TinyNet extends Module {
    final Parameter scale;
    final Parameter embed;
    final Proj proj;

    /** Parameters drawn from {@code seed}; different seeds give different values. */
    TinyNet(long seed) {
        Rng rng = new Rng(seed);
        scale = parameter("scale", new Parameter(new float[] {rng.nextFloat()}));  // shape []
        embed = parameter("embed", Parameter.of(Tensor.randn(rng, 5, 3)));
        proj = module("proj", new Proj(rng));
    }

    static final class Proj extends Module {
        final Parameter weight;
        final Parameter bias;

        Proj(Rng rng) {
            weight = parameter("weight", Parameter.of(Tensor.randn(rng, 4, 3)));
            bias = parameter("bias", Parameter.of(Tensor.randn(rng, 4)));
        }
    }

    /** A model whose output head shares the embedding matrix (tied weights): names embed, head.weight. */
    static final class Tied extends Module {
        final Parameter embed;

        Tied(long seed) {
            embed = parameter("embed", Parameter.of(Tensor.randn(new Rng(seed), 5, 3)));
            module("head", new Head(embed));
        }
    }

    static final class Head extends Module {
        Head(Parameter shared) {
            parameter("weight", shared);
        }
    }
}
