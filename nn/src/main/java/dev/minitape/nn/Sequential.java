package dev.minitape.nn;

import dev.minitape.core.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Layers applied in order; the children are named 0, 1, 2, ... */
public final class Sequential extends Module implements Layer {
    private final List<Layer> layers = new ArrayList<>();

    @SafeVarargs
    public <L extends Module & Layer> Sequential(L... layers) {
        for (L layer : layers) {
            module(Integer.toString(this.layers.size()), layer);
            this.layers.add(layer);
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Layer layer : layers) x = layer.forward(x);
        return x;
    }
}
