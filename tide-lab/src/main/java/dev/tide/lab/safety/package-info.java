/** Which network addresses the lab is allowed to send load to. */
package dev.tide.lab.safety;
