/** Language modelling: tokenizers, datasets, models, training and sampling, in the sub-packages. */
package dev.minitape.lm;
