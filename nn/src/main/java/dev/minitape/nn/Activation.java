package dev.minitape.nn;

import dev.minitape.core.Tensor;
import java.util.function.UnaryOperator;

/** A parameter-free elementwise layer: {@link #GELU}, {@link #RELU} or {@link #TANH}. */
public final class Activation extends Module implements Layer {
    private final String name;
    private final UnaryOperator<Tensor> f;

    private Activation(String name, UnaryOperator<Tensor> f) {
        this.name = name;
        this.f = f;
    }

    /** GELU in GPT-2's tanh form. */
    public static Activation gelu() {
        return new Activation("gelu", Tensor::gelu);
    }

    public static Activation relu() {
        return new Activation("relu", Tensor::relu);
    }

    public static Activation tanh() {
        return new Activation("tanh", Tensor::tanh);
    }

    @Override
    public Tensor forward(Tensor x) {
        return f.apply(x);
    }

    @Override
    protected String describe() {
        return name;
    }
}
