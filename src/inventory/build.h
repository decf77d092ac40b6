/* inventory_build: from the layer walk's results to the inventory. */
#ifndef VIGIL_INVENTORY_BUILD_H
#define VIGIL_INVENTORY_BUILD_H

#include "inventory/inventory.h"
#include "walk/view.h"

/* layers[i] is the walk result of image layer i (pointers may repeat when an
 * image lists the same layer twice); v is the view built from them. */
void inventory_build(struct layer_result *const *layers, size_t nlayers, const struct view *v,
		     struct inventory *inv);

#endif
