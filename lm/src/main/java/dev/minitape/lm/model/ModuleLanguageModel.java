package dev.minitape.lm.model;

import dev.minitape.nn.Module;

/** A language model that is itself its module, with the vocabulary size and context length it was built for. */
public abstract class ModuleLanguageModel extends Module implements LanguageModel {
    private final int vocabSize, blockSize;

    protected ModuleLanguageModel(int vocabSize, int blockSize) {
        this.vocabSize = vocabSize;
        this.blockSize = blockSize;
    }

    @Override
    public final int vocabSize() {
        return vocabSize;
    }

    @Override
    public final int blockSize() {
        return blockSize;
    }

    @Override
    public final Module module() {
        return this;
    }
}
