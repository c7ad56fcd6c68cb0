/** Text generation: greedy, temperature, top-k and top-p sampling, with a GPT's key/value cache. */
package dev.minitape.lm.sample;
